import { describe, expectTypeOf, it } from 'vitest';
import {
  type AppRegistry,
  definePlugin,
  PluginInterface,
  type AppConfigView,
  type AutoOperationsResult,
  type AppHandle,
  type ConnectionShutdownInfo,
  type FailedOperation,
  type HealthReport,
  type HookArgs,
  type HookContext,
  type HookName,
  type PluginContext,
  type HookResult,
  type LifecycleHooks,
  type Plugin,
  type PluginInitializeResult,
  type PluginStorage,
  type RollbackSummary,
  type UnregisterOptions,
} from '../src/index.js';
import { useRegistry } from './support/use-registry.js';

describe('the hook map types everything derived from it', () => {
  const createRegistry = useRegistry();

  it('HookArgs strips the trailing context; HookResult unwraps the return', () => {
    expectTypeOf<HookArgs<'onAppRegistrationStarted'>>().toEqualTypeOf<[appName: string, config: AppConfigView]>();
    expectTypeOf<HookArgs<'onConnectionShutdown'>>().toEqualTypeOf<
      [appName: string, connection: AppHandle, options: ConnectionShutdownInfo]
    >();
    expectTypeOf<HookArgs<'onOperationFailed'>>().toEqualTypeOf<
      [appName: string, operation: FailedOperation, error: Error, context: Readonly<Record<string, unknown>>]
    >();
    expectTypeOf<HookArgs<'onAppRollbackCompleted'>>().toEqualTypeOf<[appName: string, result: RollbackSummary]>();
    expectTypeOf<HookResult<'onHealthCheck'>>().toEqualTypeOf<Record<string, unknown> | void>();
    expectTypeOf<HookResult<'onAppRegistered'>>().toEqualTypeOf<void>();
    expectTypeOf<HookName>().toEqualTypeOf<keyof LifecycleHooks>();
  });

  it('the dispatcher is typed per hook', () => {
    const manager = createRegistry().plugins;
    expectTypeOf(manager.dispatch<'onHealthCheck'>).parameters.toEqualTypeOf<['onHealthCheck', string, HealthReport]>();
    expectTypeOf(manager.dispatch('onHealthCheck', 'a', {} as HealthReport)).resolves.toEqualTypeOf<
      ReadonlyMap<string, Record<string, unknown> | void>
    >();
    // @ts-expect-error wrong argument type for the hook
    void manager.dispatch('onAutoOperationsCompleted', 'a', 'not a result');
    // @ts-expect-error unknown hook
    void manager.dispatch('onSomethingElse', 'a');
    expectTypeOf(manager.loadConfigured).returns.resolves.toEqualTypeOf<PluginInitializeResult>();
  });

  it("AppRegistry satisfies PluginContext, so plugins written against the spec's appRegistry run unchanged", () => {
    expectTypeOf<AppRegistry>().toMatchTypeOf<PluginContext>();
  });

  it('definePlugin infers hook parameters, the context included', () => {
    const plugin = definePlugin({
      name: 'typed',
      version: '1.0.0',
      initialize(registry) {
        expectTypeOf(registry).toEqualTypeOf<PluginContext>();
      },
      shutdown() {},
      getStatus: () => ({}),
      onAutoOperationsCompleted(appName, result, context) {
        expectTypeOf(appName).toBeString();
        expectTypeOf(result).toEqualTypeOf<AutoOperationsResult>();
        expectTypeOf(context).toEqualTypeOf<HookContext>();
        expectTypeOf(context.signal).toEqualTypeOf<AbortSignal>();
      },
      onAppUnregistered(_appName, options) {
        expectTypeOf(options).toEqualTypeOf<UnregisterOptions>();
      },
    });
    expectTypeOf(plugin).toMatchTypeOf<Plugin>();
    // @ts-expect-error a hook must match its signature
    definePlugin({ name: 'x', version: '1', initialize() {}, shutdown() {}, getStatus: () => ({}), onAppRegistered: (n: number) => n });
  });

  it('PluginInterface subclasses get typed optional hooks and storage', () => {
    class Audit extends PluginInterface<{ table: string }> {
      constructor() {
        super('audit', '1.0.0');
      }
      initialize(_registry: AppRegistry, config: { table: string }): void {
        expectTypeOf(config.table).toBeString();
      }
      override shutdown(): void {}
      override getStatus(): object {
        return {};
      }
      override onHealthCheck(_appName: string, report: HealthReport): { latency: number | null } {
        return { latency: report.latencyMs };
      }
    }
    const audit = new Audit();
    expectTypeOf(audit.storage).toEqualTypeOf<PluginStorage>();
    expectTypeOf(audit.onAppRegistered).toEqualTypeOf<LifecycleHooks['onAppRegistered'] | undefined>();
    expectTypeOf<Audit>().toMatchTypeOf<Plugin>();
  });
});
