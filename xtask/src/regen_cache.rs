//! The cache of formatted files behind `cargo xtask regen` ([`codegen::FormatCache`]): each
//! generated file as last formatted, with the text of the tokens it was formatted from, in
//! `regen-cache/<build>/<provider>/<path>` next to the xtask binary (so under `target/`). A
//! file is taken only when its tokens are the very same text. `<build>` names this build of
//! the binary by its size and modification time: a rebuilt generator (another `prettyplease`,
//! another header) starts with an empty cache, and the folders of other builds are removed.
//! `cargo xtask regen --no-cache` formats every file again.
//!
//! A cache that cannot be read or written is no error: the files are then formatted.

use std::fs;
use std::path::PathBuf;
use std::time::UNIX_EPOCH;

pub struct DiskCache {
    dir: PathBuf,
}

impl DiskCache {
    /// The cache of this build of the xtask binary, if its folder can be made.
    pub fn open() -> Option<DiskCache> {
        let exe = std::env::current_exe().ok()?;
        let meta = fs::metadata(&exe).ok()?;
        let modified = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
        let build = format!("{:x}-{:x}", meta.len(), modified.as_nanos());
        let root = exe.parent()?.join("regen-cache");
        for entry in fs::read_dir(&root).into_iter().flatten().flatten() {
            if entry.file_name() != build.as_str() {
                let _ = fs::remove_dir_all(entry.path());
            }
        }
        let dir = root.join(build);
        fs::create_dir_all(&dir).ok()?;
        Some(DiskCache { dir })
    }

    /// The entry of `name` (`memset/generated/mod.rs`); names come from the generator, not
    /// from outside.
    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

/// An entry is the length of the tokens' text on its own line, the text, then the file.
impl codegen::FormatCache for DiskCache {
    fn get(&self, name: &str, tokens: &str) -> Option<String> {
        let entry = fs::read_to_string(self.path(name)).ok()?;
        let (length, rest) = entry.split_once('\n')?;
        let length: usize = length.parse().ok()?;
        let (cached_tokens, contents) = (rest.get(..length)?, rest.get(length..)?);
        // a file cut short (a run stopped while writing it) has no header or last newline
        let whole = contents.starts_with(codegen::HEADER) && contents.ends_with('\n');
        (cached_tokens == tokens && whole).then(|| contents.to_owned())
    }

    fn put(&self, name: &str, tokens: &str, contents: &str) {
        let path = self.path(name);
        let Some(dir) = path.parent() else { return };
        if fs::create_dir_all(dir).is_err() {
            return;
        }
        // written aside, then renamed into place: a reader sees the whole entry or none
        let partial = path.with_extension(format!("{}.partial", std::process::id()));
        let entry = format!("{}\n{tokens}{contents}", tokens.len());
        if fs::write(&partial, entry).is_err() || fs::rename(&partial, &path).is_err() {
            let _ = fs::remove_file(&partial);
        }
    }
}

#[cfg(test)]
mod tests {
    use codegen::FormatCache;

    use super::*;

    #[test]
    fn a_file_is_taken_only_for_the_same_tokens() {
        let dir = std::env::temp_dir().join(format!("xtask-regen-cache-{}", std::process::id()));
        let cache = DiskCache { dir: dir.clone() };
        let name = "memset/generated/mod.rs";
        let contents = format!("{}\nfn a() {{}}\n", codegen::HEADER);
        assert_eq!(cache.get(name, "fn a () { }"), None, "nothing kept yet");
        cache.put(name, "fn a () { }", &contents);
        assert_eq!(cache.get(name, "fn a () { }").as_deref(), Some(contents.as_str()));
        assert_eq!(cache.get(name, "fn b () { }"), None, "other tokens");
        assert_eq!(cache.get(name, "fn a () {"), None, "tokens that are a prefix");
        assert_eq!(cache.get("oneandone/generated/mod.rs", "fn a () { }"), None, "another file");
        // an entry cut short is not taken
        let entry = fs::read_to_string(cache.path(name)).expect("kept");
        fs::write(cache.path(name), &entry[..entry.len() - 1]).expect("written");
        assert_eq!(cache.get(name, "fn a () { }"), None, "cut short");
        let _ = fs::remove_dir_all(dir);
    }
}
