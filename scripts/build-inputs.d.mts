export declare function buildInputsHash(): string;
export declare function builtFrom(): string | undefined;
export declare function stampBuild(inputs: string): void;
