/**
 * What push and pull need from a remote, whatever it is: one listing of everything it holds, and
 * whole objects read and written by key. Keys are relative to the remote's root (layout.ts).
 */
export interface Transport {
  /** How the remote is named in messages: `remote "origin" (s3://bucket/prefix at endpoint)`. */
  readonly label: string;
  /** Every key the remote holds, with its size. */
  list(signal: AbortSignal): Promise<Map<string, number>>;
  read(key: string, signal: AbortSignal): Promise<Buffer>;
  /** The object's bytes, in chunks, without holding it whole in memory. */
  stream(key: string, signal: AbortSignal): Promise<AsyncIterable<Uint8Array>>;
  /** Writes a whole object; a reader never sees it half-written. */
  writeBuffer(key: string, data: Buffer, signal: AbortSignal): Promise<void>;
  /**
   * Writes a local file as the object, reporting bytes as they go; `resumed` is what an earlier,
   * interrupted attempt had already sent and this one did not send again (counted in onBytes too).
   */
  writeFile(
    key: string,
    file: string,
    size: number,
    onBytes: (n: number) => void,
    signal: AbortSignal,
  ): Promise<{ resumed: number }>;
  /**
   * Gives up uploads left unfinished by earlier pushes that will not be resumed: their object is
   * there now (`present`: the listing's keys), or they are too old. Remotes without such uploads omit it.
   */
  cleanUploads?(present: Map<string, number>, signal: AbortSignal): Promise<void>;
}
