/** What command actions share with main(): the exit status they decide and where output goes. */
export interface CliContext {
  exitCode: number;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Set once a command has resolved its configuration: how errors are reported from then on. */
  json?: boolean;
  logLevel?: string;
}
