//! MS-XCA "plain LZ77" (XPRESS) decompression, the format of compressed ETW buffers
//! (buffer flag 0x40). Written from the public specification (MS-XCA 2.4).

/// Decompress `input`, producing at most `max_out` bytes. Returns the output and whether the
/// input was well formed (a match reaching before the start of the output, or input that ends
/// in the middle of a token, gives `false` with everything decoded before it).
pub fn decompress(input: &[u8], max_out: usize) -> (Vec<u8>, bool) {
    let mut out: Vec<u8> = Vec::with_capacity(max_out.min(1 << 20));
    let mut ip = 0usize;
    let mut flags = 0u32;
    let mut flag_count = 0u32;
    let mut half_byte_at: Option<usize> = None;
    let byte = |i: usize| input.get(i).copied();
    let u16_at = |i: usize| Some(u16::from_le_bytes([byte(i)?, byte(i + 1)?]));
    loop {
        if out.len() >= max_out {
            return (out, true);
        }
        if flag_count == 0 {
            let Some(b) = input.get(ip..ip + 4) else {
                // Nothing left but padding: the normal end of a stream.
                return (out, true);
            };
            flags = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            ip += 4;
            flag_count = 32;
        }
        flag_count -= 1;
        if flags & (1 << flag_count) == 0 {
            let Some(b) = byte(ip) else { return (out, true) };
            out.push(b);
            ip += 1;
            continue;
        }
        if ip >= input.len() {
            return (out, true);
        }
        let Some(m) = u16_at(ip) else { return (out, false) };
        ip += 2;
        let offset = (m >> 3) as usize + 1;
        let mut len = (m & 7) as usize;
        if len == 7 {
            match half_byte_at.take() {
                None => {
                    let Some(b) = byte(ip) else { return (out, false) };
                    len = (b & 0x0F) as usize;
                    half_byte_at = Some(ip);
                    ip += 1;
                }
                Some(at) => len = (input[at] >> 4) as usize,
            }
            if len == 15 {
                let Some(b) = byte(ip) else { return (out, false) };
                ip += 1;
                len = b as usize;
                if len == 255 {
                    let Some(w) = u16_at(ip) else { return (out, false) };
                    ip += 2;
                    len = w as usize;
                    if len == 0 {
                        let Some(d) = input.get(ip..ip + 4) else { return (out, false) };
                        len = u32::from_le_bytes([d[0], d[1], d[2], d[3]]) as usize;
                        ip += 4;
                    }
                    if len < 15 + 7 {
                        return (out, false);
                    }
                    len -= 15 + 7;
                }
                len += 15;
            }
            len += 7;
        }
        len += 3;
        if offset > out.len() {
            return (out, false);
        }
        let len = len.min(max_out - out.len());
        let start = out.len() - offset;
        for i in 0..len {
            let b = out[start + i];
            out.push(b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::decompress;

    #[test]
    fn literals_and_matches() {
        // MS-XCA's example: "abcdefghijklmnopqrstuvwxyz" as 26 literals.
        let mut input = vec![0, 0, 0, 0];
        input.extend_from_slice(b"abcdefghijklmnopqrstuvwxyz");
        assert_eq!(decompress(&input, 1000), (b"abcdefghijklmnopqrstuvwxyz".to_vec(), true));
        // "abc" then a match of length 297 at offset 3: the spec's 300-byte example.
        let input = [0xff, 0xff, 0xff, 0x1f, 0x61, 0x62, 0x63, 0x17, 0x00, 0x0f, 0xff, 0x26, 0x01];
        let (out, ok) = decompress(&input, 1000);
        assert!(ok);
        assert_eq!(out.len(), 300);
        assert!(out.chunks(3).all(|c| c == b"abc"));
    }

    #[test]
    fn hostile_input_is_bounded() {
        let input = [0xff, 0xff, 0xff, 0xff, 0x00, 0x00];
        assert!(!decompress(&input, 100).1, "a match before the start of the output");
        let (out, _) = decompress(&[0x3f, 0, 0, 0, b'a', 0x07, 0x00, 0x0f, 0xff, 0xff, 0xff], 64);
        assert!(out.len() <= 64);
    }
}
