/** The path of the vipps-sim executable inside this package. */
export function binary(): string;

/** A running simulator. */
export interface Simulator {
  /** Its base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Stops it; resolves once it has exited. */
  stop(): Promise<void>;
}

/** Starts a simulator on a free port (or `port`); resolves once it listens. */
export function start(options?: { port?: number; args?: string[] }): Promise<Simulator>;
