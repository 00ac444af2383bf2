/** Finding and converting an upload's encoding: ASCII flows at once, the first other byte decides. */
import iconv from 'iconv-lite'
import { describe, expect, it } from 'vitest'
import { Decoder, encodingName, legacyEncoding, notText } from './encoding.js'

async function run(decoder: Decoder, chunks: Buffer[]): Promise<string> {
  return (await runRaw(decoder, chunks)).toString('utf8')
}

async function runRaw(decoder: Decoder, chunks: Buffer[]): Promise<Buffer> {
  const out: Buffer[] = []
  decoder.on('data', (b: Buffer) => out.push(b))
  const done = new Promise((resolve, reject) => decoder.on('end', resolve).on('error', reject))
  for (const c of chunks) decoder.write(c)
  decoder.end()
  await done
  return Buffer.concat(out)
}

describe('Decoder', () => {
  it('passes ASCII on before it knows the encoding, then reads the rest in the country’s legacy encoding', async () => {
    const d = new Decoder({ country: 'BA' })
    const seen: string[] = []
    d.on('data', (b: Buffer) => seen.push(b.toString()))
    d.write(Buffer.from('Telefon;Ime\n061111111;Ana\n'))
    await new Promise((r) => setImmediate(r))
    expect(seen.join('')).toBe('Telefon;Ime\n061111111;Ana\n')
    expect(d.encoding).toBeUndefined()
    const rest = await run(d, [iconv.encode('062222222;Šaćir Žunić Đurđa\n', 'windows-1250')])
    expect(seen.join('') + rest).toContain('Šaćir Žunić Đurđa')
    expect(d.encoding).toBe('windows-1250')
    expect(legacyEncoding('RU')).toBe('windows-1251')
  })

  it('keeps a UTF-8 file with one damaged byte as UTF-8 (that row alone is refused), and an all-ASCII file is UTF-8', async () => {
    const d = new Decoder({ country: 'BA' })
    const text = await run(d, [Buffer.from('Ime\nMarić\nĐurđa\n'), Buffer.from([0x4a, 0xff, 0x0a])])
    expect(d.encoding).toBe('utf-8')
    expect(text).toBe('Ime\nMarić\nĐurđa\nJ\uFFFD\n')
    const ascii = new Decoder({ country: 'BA' })
    await run(ascii, [Buffer.from('a\nb\n')])
    expect(ascii.encoding).toBe('utf-8')
  })

  it('reads the encoding picked, whatever the bytes look like', async () => {
    const d = new Decoder({ country: 'US', encoding: 'CP1250' })
    expect(await run(d, [Buffer.from([0x8a, 0x9a])])).toBe('Šš')
    expect(d.encoding).toBe('windows-1250')
    expect(() => encodingName('klingon-8')).toThrow('unknown encoding "klingon-8"; the encodings read are utf-8, windows-1250')
  })

  it('refuses what is not text and lets UTF-16 through for the scanner to name', async () => {
    expect(notText(Buffer.from('PK\u0003\u0004rest'))).toBe('it is a ZIP archive (an Excel .xlsx workbook?), not text: save it as CSV')
    expect(notText(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))).toContain('old Excel')
    expect(notText(Buffer.from('a\u0000b\u0000c\u0000d\u0000'))).toContain('NUL bytes')
    expect(notText(Buffer.from('phone\n0611\u0000\n'))).toBeUndefined()
    await expect(run(new Decoder({ country: 'BA' }), [Buffer.from('PK\u0003\u0004')])).rejects.toThrow('ZIP archive')
    const utf16 = new Decoder({ country: 'BA' })
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a', 'utf16le')])
    expect((await runRaw(utf16, [bytes])).equals(bytes)).toBe(true)
    expect(utf16.encoding).toBe('utf-16')
  })
})
