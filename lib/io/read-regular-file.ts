import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';

export type ReadResult = { readonly text: string } | { readonly problem: string };

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * The text of a small input file, refused without blocking or growing when it is anything else: it
 * is stat'ed before it is opened (a FIFO would block `open`, /dev/zero never ends), opened
 * non-blocking and checked again (it may have been swapped in between), and read only up to
 * `maxBytes`. A UTF-8 byte order mark is dropped unless `keepBom` (for a reader that must refuse it). Problems say what the file is and what to give instead; they never quote its content.
 */
export function readRegularFile(path: string, maxBytes: number, { keepBom = false }: { readonly keepBom?: boolean } = {}): ReadResult {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return { problem: code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})` };
  }
  const refuse = (s: Stats): ReadResult | undefined => {
    if (!s.isFile()) return { problem: `is ${kindOf(s)}, not a regular file: give the path of a file` };
    if (s.size > maxBytes) return { problem: `is ${s.size} bytes; the limit is ${maxBytes}: give the small settings file itself` };
    return undefined;
  };
  const early = refuse(stats);
  if (early) return early;
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return { problem: `cannot be opened (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  try {
    const late = refuse(fstatSync(fd));
    if (late) return late;
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (let read = -1; read !== 0 && length <= maxBytes; length += read) {
      read = readSync(fd, buffer, length, buffer.length - length, null);
    }
    if (length > maxBytes) return { problem: `is larger than the limit of ${maxBytes} bytes: give the small settings file itself` };
    const bytes = buffer.subarray(0, length);
    if (bytes.includes(0)) return { problem: 'contains NUL bytes: it is not a text file' };
    try {
      return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: keepBom }).decode(bytes) };
    } catch {
      return { problem: 'is not UTF-8 text: save it as UTF-8' };
    }
  } catch (error) {
    return { problem: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  } finally {
    closeSync(fd);
  }
}
