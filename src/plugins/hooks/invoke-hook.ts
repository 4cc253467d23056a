import type { HookCall } from './hook-call.js';
import type { HookHandler } from './hook-handlers.js';

/**
 * Calls one handler with the dispatch's arguments and the call's own context last. Spelled out per
 * arity because building an argument array per call would cost more than the call itself.
 */
export function invokeHook(handler: HookHandler, args: readonly unknown[], call: HookCall): unknown {
  const { fn, plugin } = handler;
  switch (args.length) {
    case 1:
      return fn.call(plugin, args[0], call);
    case 2:
      return fn.call(plugin, args[0], args[1], call);
    case 3:
      return fn.call(plugin, args[0], args[1], args[2], call);
    case 4:
      return fn.call(plugin, args[0], args[1], args[2], args[3], call);
    default:
      return fn.apply(plugin, [...args, call]);
  }
}
