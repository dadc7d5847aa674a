import iconv from 'iconv-lite';

/**
 * iconv-lite's names for the server's character sets a client can send statements in (sjis's seven
 * symbols that differ are mapped as the server reads them below; ujis and eucjpms are EUC-JP's table,
 * not checked symbol for symbol; sets without a near table are left out and warned about). MySQL's
 * latin1 is Windows-1252 (the five bytes cp1252 leaves undefined map to the C1 controls, as
 * iconv-lite's cp1252 does not: they are checked below).
 */
const ENCODINGS: Record<string, string> = {
  utf8mb4: 'utf8', utf8mb3: 'utf8', utf8: 'utf8', ascii: 'utf8',
  latin1: 'cp1252', latin2: 'iso-8859-2', latin5: 'iso-8859-9', latin7: 'iso-8859-13',
  cp1250: 'cp1250', cp1251: 'cp1251', cp1256: 'cp1256', cp1257: 'cp1257',
  cp850: 'cp850', cp852: 'cp852', cp866: 'cp866', macroman: 'macintosh', macce: 'maccenteuro',
  koi8r: 'koi8-r', koi8u: 'koi8-u', greek: 'iso-8859-7', hebrew: 'iso-8859-8', armscii8: 'armscii8',
  tis620: 'tis620',
  sjis: 'shift_jis', cp932: 'cp932', ujis: 'euc-jp', eucjpms: 'euc-jp', gbk: 'gbk', gb2312: 'gb2312', gb18030: 'gb18030',
  big5: 'big5', euckr: 'euc-kr',
};

/** Where MySQL's sjis table differs from iconv-lite's Shift_JIS (0x815F, 8160, 8161, 817C, 8191, 8192, 81CA), as the server reads them. */
const SJIS_AS_SERVER: Record<string, string> = { '\uff3c': '\u005c', '\uff5e': '\u301c', '\u2225': '\u2016', '\uff0d': '\u2212', '\uffe0': '\u00a2', '\uffe1': '\u00a3', '\uffe2': '\u00ac' };

/** Bytes MySQL's latin1 maps to C1 controls where Windows-1252 defines nothing. */
const LATIN1_UNDEFINED = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);

/**
 * Text sent in one of the server's character sets, as a string (which scsc's connections send on as
 * utf8mb4); undefined when the set is one iconv-lite cannot decode.
 */
export function decodeText(bytes: Buffer, charset: string): string | undefined {
  const encoding = ENCODINGS[charset];
  if (encoding === undefined || !iconv.encodingExists(encoding)) return undefined;
  if (encoding === 'utf8') return bytes.toString('utf8');
  if (charset === 'latin1' && bytes.some((byte) => LATIN1_UNDEFINED.has(byte))) {
    return [...bytes].map((byte) => (LATIN1_UNDEFINED.has(byte) ? String.fromCharCode(byte) : iconv.decode(Buffer.of(byte), encoding))).join('');
  }
  const text = iconv.decode(bytes, encoding);
  return charset === 'sjis' ? text.replace(/[\uff3c\uff5e\u2225\uff0d\uffe0-\uffe2]/g, (c) => SJIS_AS_SERVER[c] ?? c) : text;
}
