//! Reads a provider's spec folder: `provider.toml` and the group files, in name order.

use std::fs;
use std::io;
use std::path::Path;

use crate::{ProviderSpec, SourceFile};

/// Reads every provider folder under `spec_root` (each folder with a `provider.toml`), in name
/// order. `shown_as` is how `spec_root` is written in diagnostics (e.g. `spec`).
pub fn all(spec_root: &Path, shown_as: &str) -> io::Result<Vec<ProviderSpec>> {
    let mut providers = Vec::new();
    for entry in sorted_entries(spec_root)? {
        if entry.join("provider.toml").is_file() {
            let name =
                entry.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            providers.push(provider(&entry, &format!("{shown_as}/{name}"))?);
        }
    }
    Ok(providers)
}

/// Reads one provider folder.
pub fn provider(dir: &Path, shown_as: &str) -> io::Result<ProviderSpec> {
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let read = |file: &Path| -> io::Result<SourceFile> {
        let file_name =
            file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let text = fs::read_to_string(file)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", file.display())))?;
        Ok(SourceFile { name: format!("{shown_as}/{file_name}"), text })
    };
    let provider = read(&dir.join("provider.toml"))?;
    let mut groups = Vec::new();
    for file in sorted_entries(dir)? {
        let is_group = file.extension().is_some_and(|e| e == "toml")
            && file.file_name().is_some_and(|n| n != "provider.toml");
        if is_group {
            groups.push(read(&file)?);
        }
    }
    Ok(ProviderSpec { name, provider, groups })
}

fn sorted_entries(dir: &Path) -> io::Result<Vec<std::path::PathBuf>> {
    let mut entries =
        fs::read_dir(dir)?.map(|e| e.map(|e| e.path())).collect::<io::Result<Vec<_>>>()?;
    entries.sort();
    Ok(entries)
}
