//! Post-build step: short names for the imports the wasm takes from wasm-bindgen's JS glue.
//!
//! wasm-bindgen names every import after the function it wraps plus a 16-hex-digit hash
//! (`__wbg_setAttribute_cc9b9a6a1f18b3ec`), from a module named after the crate
//! (`./await-and-see_bg.js`). Each name is written twice, in the wasm's import section and as a
//! key of the import object in the JS, and the hashes do not compress: about 5 KB gzip of the
//! bundle. The names are only a contract between those two generated files, so this step renames
//! both consistently (`a`, `b`, …, `ba`, …; module `w`), then updates the files' `integrity`
//! attributes in `index.html`. It changes nothing else in either file. If the JS does not look
//! as expected (each import key exactly once), it stops with an error instead of guessing.
use crate::sha;
use crate::R;
use std::collections::HashMap;
use std::path::Path;

/// The module name the renamed imports get.
const MODULE: &str = "w";

/// Rename the imports of the one `*_bg.wasm` in `dir` and of its JS glue, in place. A no-op when
/// already done (or when `dir` has no wasm).
pub fn shorten_imports(dir: &Path) -> R<()> {
    let Some(stem) = crate::hook::app_stem(dir)? else {
        return Ok(());
    };
    let (wasm_path, js_path) = (
        dir.join(format!("{stem}_bg.wasm")),
        dir.join(format!("{stem}.js")),
    );
    let wasm =
        std::fs::read(&wasm_path).map_err(|e| format!("reading {}: {e}", wasm_path.display()))?;
    let js = std::fs::read_to_string(&js_path)
        .map_err(|e| format!("reading {}: {e}", js_path.display()))?;
    let Some((new_wasm, new_js)) = rename(&wasm, &js)? else {
        return Ok(());
    };
    let index = dir.join("index.html");
    let html = std::fs::read_to_string(&index).ok();
    std::fs::write(&wasm_path, &new_wasm)
        .map_err(|e| format!("writing {}: {e}", wasm_path.display()))?;
    std::fs::write(&js_path, &new_js).map_err(|e| format!("writing {}: {e}", js_path.display()))?;
    if let Some(mut html) = html {
        // trunk's SRI attributes (quoted or not, the value is the same string).
        for (old, new) in [
            (&wasm[..], &new_wasm[..]),
            (js.as_bytes(), new_js.as_bytes()),
        ] {
            html = html.replace(&sha::sri(old), &sha::sri(new));
        }
        std::fs::write(&index, html).map_err(|e| format!("writing {}: {e}", index.display()))?;
    }
    Ok(())
}

/// The `k`-th short name: a..z, A..Z, then two letters (`ba`, …), all valid JS property names.
fn short_name(mut k: usize) -> String {
    const A: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut s = Vec::new();
    loop {
        s.push(A[k % A.len()]);
        k /= A.len();
        if k == 0 {
            break;
        }
    }
    s.reverse();
    String::from_utf8(s).unwrap()
}

/// The renamed wasm and JS, or None when there is nothing to rename.
pub fn rename(wasm: &[u8], js: &str) -> R<Option<(Vec<u8>, String)>> {
    // The glue's import object: `"./<crate>_bg.js": import0,`.
    let Some((module, object)) = glue_module(js) else {
        return Ok(None);
    };
    if wasm.len() < 8 || &wasm[..4] != b"\0asm" {
        return Err("not a wasm module".into());
    }
    let mut out = wasm[..8].to_vec();
    let mut new_js = js.to_string();
    let mut shorts: HashMap<&str, String> = HashMap::new();
    let mut r = Reader { b: wasm, i: 8 };
    while r.i < wasm.len() {
        let id = r.byte()?;
        let len = r.leb()? as usize;
        let body = r.take(len)?;
        if id != 2 {
            out.push(id);
            out.extend(leb(len as u64));
            out.extend_from_slice(body);
            continue;
        }
        // The import section: (module, field, kind, kind's payload)*.
        let mut s = Reader { b: body, i: 0 };
        let count = s.leb()?;
        let mut section = leb(count);
        for _ in 0..count {
            let m = s.name()?;
            let f = s.name()?;
            let desc_start = s.i;
            s.import_desc()?;
            let desc = &body[desc_start..s.i];
            let (m2, f2) = if m == module {
                // A field imported twice (wasm allows it) keeps one name and one JS key.
                let short = match shorts.get(f) {
                    Some(short) => short.clone(),
                    None => {
                        let short = short_name(shorts.len());
                        new_js = rename_key(&new_js, f, &short)?;
                        shorts.insert(f, short.clone());
                        short
                    }
                };
                (MODULE.to_string(), short)
            } else {
                (m.to_string(), f.to_string())
            };
            section.extend(leb(m2.len() as u64));
            section.extend_from_slice(m2.as_bytes());
            section.extend(leb(f2.len() as u64));
            section.extend_from_slice(f2.as_bytes());
            section.extend_from_slice(desc);
        }
        out.push(2);
        out.extend(leb(section.len() as u64));
        out.extend(section);
    }
    if shorts.is_empty() {
        return Ok(None);
    }
    let old = format!("\"{module}\": {object},");
    if new_js.matches(&old).count() != 1 {
        return Err(format!(
            "the JS glue names module {module:?} more than once"
        ));
    }
    new_js = new_js.replace(&old, &format!("\"{MODULE}\": {object},"));
    Ok(Some((out, new_js)))
}

/// The module name and variable of the wasm-bindgen import object in the glue
/// (`"./x_bg.js": import0,` on a line of its own).
fn glue_module(js: &str) -> Option<(&str, &str)> {
    js.lines().find_map(|l| {
        let l = l.trim();
        let rest = l.strip_prefix("\"./")?;
        let q = rest.find('"')?;
        let module = &l[1..q + 3];
        let object = rest[q + 1..].strip_prefix(": ")?.strip_suffix(',')?;
        (module.ends_with("_bg.js") && object.starts_with("import")).then_some((module, object))
    })
}

/// Rename the import object key `old` (a line `        old: function…`) to `new`.
fn rename_key(js: &str, old: &str, new: &str) -> R<String> {
    let mut hits = 0;
    let mut out = String::with_capacity(js.len());
    for line in js.split_inclusive('\n') {
        let body = line.trim_start();
        let indent = &line[..line.len() - body.len()];
        match body.strip_prefix(old).and_then(|r| r.strip_prefix(": ")) {
            Some(rest) if !indent.is_empty() => {
                hits += 1;
                out.push_str(indent);
                out.push_str(new);
                out.push_str(": ");
                out.push_str(rest);
            }
            _ => out.push_str(line),
        }
    }
    if hits != 1 {
        return Err(format!(
            "the JS glue defines import {old:?} {hits} times (expected once): not renaming"
        ));
    }
    Ok(out)
}

fn leb(mut n: u64) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return out;
        }
        out.push(b | 0x80);
    }
}

struct Reader<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> R<u8> {
        let v = *self.b.get(self.i).ok_or("wasm: unexpected end")?;
        self.i += 1;
        Ok(v)
    }
    fn leb(&mut self) -> R<u64> {
        let (mut v, mut shift) = (0u64, 0);
        loop {
            let b = self.byte()?;
            if shift > 63 {
                return Err("wasm: LEB128 number too long".into());
            }
            v |= u64::from(b & 0x7f) << shift;
            shift += 7;
            if b < 0x80 {
                return Ok(v);
            }
        }
    }
    fn take(&mut self, n: usize) -> R<&'a [u8]> {
        let end = self.i.checked_add(n).filter(|&e| e <= self.b.len());
        let end = end.ok_or("wasm: section runs past the end")?;
        let s = &self.b[self.i..end];
        self.i = end;
        Ok(s)
    }
    fn name(&mut self) -> R<&'a str> {
        let n = self.leb()? as usize;
        std::str::from_utf8(self.take(n)?).map_err(|_| "wasm: a name is not UTF-8".into())
    }
    /// Skip an import's description (function, table, memory, global or tag).
    fn import_desc(&mut self) -> R<()> {
        match self.byte()? {
            0 => {
                self.leb()?; // type index
            }
            4 => {
                self.byte()?; // tag attribute
                self.leb()?; // type index
            }
            1 => {
                self.byte()?; // element type
                self.limits()?;
            }
            2 => self.limits()?,
            3 => {
                self.valtype()?;
                self.byte()?; // mutability
            }
            k => return Err(format!("wasm: unknown import kind {k}")),
        }
        Ok(())
    }
    fn limits(&mut self) -> R<()> {
        let flags = self.byte()?;
        self.leb()?;
        if flags & 1 != 0 {
            self.leb()?;
        }
        Ok(())
    }
    /// A value type: one byte, or a reference type with a heap type (`0x63`/`0x64` + s33).
    fn valtype(&mut self) -> R<()> {
        let t = self.byte()?;
        if t == 0x63 || t == 0x64 {
            self.leb()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module importing `f` (twice) and `g` from the glue, `h` from a snippet, and a memory.
    fn module(glue: &str) -> Vec<u8> {
        let mut imports = leb(5);
        for (m, f, desc) in [
            (glue, "__wbg_f_0123456789abcdef", vec![0u8, 0]),
            ("./snippets/x.js", "h", vec![0, 0]),
            (glue, "__wbg_g_fedcba9876543210", vec![0, 1]),
            ("env", "memory", vec![2, 1, 17, 32]),
            (glue, "__wbg_f_0123456789abcdef", vec![0, 0]),
        ] {
            imports.extend(leb(m.len() as u64));
            imports.extend(m.as_bytes());
            imports.extend(leb(f.len() as u64));
            imports.extend(f.as_bytes());
            imports.extend(desc);
        }
        let mut w = b"\0asm\x01\0\0\0".to_vec();
        // Type section: two function types, () -> () and (i32) -> ().
        let types = [2u8, 0x60, 0, 0, 0x60, 1, 0x7f, 0];
        w.push(1);
        w.extend(leb(types.len() as u64));
        w.extend(types);
        w.push(2);
        w.extend(leb(imports.len() as u64));
        w.extend(imports);
        // A custom section after it stays as it is.
        w.extend([0, 4, 3, b'a', b'b', b'c']);
        w
    }

    const JS: &str = "function __wbg_get_imports() {\n    const import0 = {\n        __proto__: null,\n        __wbg_f_0123456789abcdef: function(arg0) {\n            return __wbg_g_fedcba9876543210;\n        },\n        __wbg_g_fedcba9876543210: function() { return handleError(function () {}) },\n    };\n    return {\n        __proto__: null,\n        \"./app_bg.js\": import0,\n        \"./snippets/x.js\": import1,\n    };\n}\n";

    fn imports_of(wasm: &[u8]) -> Vec<(String, String)> {
        let mut r = Reader { b: wasm, i: 8 };
        let mut out = Vec::new();
        while r.i < wasm.len() {
            let id = r.byte().unwrap();
            let len = r.leb().unwrap() as usize;
            let body = r.take(len).unwrap();
            if id == 2 {
                let mut s = Reader { b: body, i: 0 };
                for _ in 0..s.leb().unwrap() {
                    let m = s.name().unwrap().to_string();
                    let f = s.name().unwrap().to_string();
                    s.import_desc().unwrap();
                    out.push((m, f));
                }
                assert_eq!(s.i, body.len());
            }
        }
        out
    }

    #[test]
    fn renames_the_glue_imports_in_both_files_and_nothing_else() {
        let wasm = module("./app_bg.js");
        let (w2, js2) = rename(&wasm, JS).unwrap().unwrap();
        assert_eq!(
            imports_of(&w2),
            [
                ("w", "a"),
                ("./snippets/x.js", "h"),
                ("w", "b"),
                ("env", "memory"),
                ("w", "a")
            ]
            .map(|(m, f)| (m.to_string(), f.to_string()))
        );
        assert!(js2.contains("\n        a: function(arg0) {\n"));
        assert!(js2.contains("\n        b: function() { return handleError"));
        assert!(js2.contains("\"w\": import0,\n        \"./snippets/x.js\": import1,"));
        // Only keys are renamed: a mention elsewhere stays.
        assert!(js2.contains("return __wbg_g_fedcba9876543210;"));
        // Everything after the import section is unchanged.
        assert!(w2.ends_with(&[0, 4, 3, b'a', b'b', b'c']));
        // Running it again changes nothing.
        assert!(rename(&w2, &js2).unwrap().is_none());
    }

    #[test]
    fn refuses_glue_it_does_not_recognise() {
        let wasm = module("./app_bg.js");
        let missing = JS.replace("__wbg_g_fedcba9876543210: function", "other: function");
        let e = rename(&wasm, &missing).unwrap_err();
        assert!(
            e.contains("__wbg_g_fedcba9876543210") && e.contains("0 times"),
            "{e}"
        );
        assert!(rename(b"nope", JS).is_err());
        // No glue import object in the JS: nothing to do.
        assert!(rename(&wasm, "console.log(1)\n").unwrap().is_none());
    }

    #[test]
    fn short_names_are_distinct() {
        let names: std::collections::HashSet<String> = (0..3000).map(short_name).collect();
        assert_eq!(names.len(), 3000);
        assert_eq!(short_name(0), "a");
        assert_eq!(short_name(51), "Z");
        assert_eq!(short_name(52), "ba");
    }
}
