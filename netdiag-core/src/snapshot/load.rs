//! Reading a snapshot's files: text decoding (UTF-8, UTF-16 with a BOM), the three file
//! shapes (a resource, a list, `{"value": [...]}`), normalising ARM's `properties` into
//! the Azure CLI's flat shape, and each resource into its place through the table of
//! [`kinds`](super::kinds). Errors name the file, the line and the JSON path.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::kinds;
use super::locate::{Step, line_of};
use super::{Ignored, LoadedFile, MAX_FILE_BYTES, Snapshot, SnapshotError};

impl Snapshot {
    /// Loads every path: files, or directories read in name order. In a directory, `.json`
    /// files must be JSON; any other file is read when its content is JSON (PowerShell's
    /// `> vnet.txt`) and listed as not JSON otherwise. A file of 0 bytes is listed as empty.
    pub fn load(paths: &[PathBuf]) -> Result<Self, SnapshotError> {
        let mut snapshot = Self::default();
        for path in paths {
            let metadata = std::fs::metadata(path).map_err(|e| {
                SnapshotError::in_file(format!("--network {}", path.display()), e.to_string())
            })?;
            if metadata.is_dir() {
                for file in export_files(path)? {
                    let must_be_json = file
                        .extension()
                        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
                    snapshot.load_file(&file, must_be_json)?;
                }
            } else {
                snapshot.load_file(path, true)?;
            }
        }
        Ok(snapshot)
    }

    /// Loads one file's text (its name is used in errors).
    pub fn load_text(&mut self, file: &str, text: &str) -> Result<(), SnapshotError> {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            SnapshotError::in_file(
                file,
                format!("not valid JSON: {}", strip_position(&e.to_string())),
            )
            .at_line(e.line())
        })?;
        self.files.push(LoadedFile {
            path: file.to_owned(),
            resources: 0,
            ignored: Vec::new(),
        });
        let source = Source { file, text };
        match value {
            Value::Array(items) if is_app_settings_list(&items) => {
                self.add_app_settings_list(&source, &items)
            }
            Value::Array(items) => {
                for (index, item) in items.into_iter().enumerate() {
                    self.add_resource(&source, &[Step::Index(index)], item)?;
                }
                Ok(())
            }
            Value::Object(mut object)
                if !object.contains_key("type")
                    && object.get("value").is_some_and(Value::is_array) =>
            {
                let Some(Value::Array(items)) = object.remove("value") else {
                    return Ok(());
                };
                for (index, item) in items.into_iter().enumerate() {
                    self.add_resource(
                        &source,
                        &[Step::Key("value".into()), Step::Index(index)],
                        item,
                    )?;
                }
                Ok(())
            }
            object @ Value::Object(_) => self.add_resource(&source, &[], object),
            other => Err(SnapshotError::in_file(
                file,
                format!(
                    "expected a resource, a list of resources or {{\"value\": [...]}}, found {}",
                    kind_of(&other)
                ),
            )
            .at_line(1)),
        }
    }

    fn load_file(&mut self, path: &Path, must_be_json: bool) -> Result<(), SnapshotError> {
        let file = path.display().to_string();
        let size = std::fs::metadata(path)
            .map_err(|e| SnapshotError::in_file(&file, e.to_string()))?
            .len();
        if size > MAX_FILE_BYTES {
            return Err(SnapshotError::in_file(
                file,
                format!(
                    "{size} bytes is more than an export of one app's network ({MAX_FILE_BYTES} bytes at most)"
                ),
            ));
        }
        let bytes =
            std::fs::read(path).map_err(|e| SnapshotError::in_file(&file, e.to_string()))?;
        let text = match decode_text(bytes) {
            Ok(text) => text,
            Err(_) if !must_be_json => {
                self.not_json.push(file);
                return Ok(());
            }
            Err(reason) => return Err(SnapshotError::in_file(&file, reason)),
        };
        // PowerShell's Out-File writes a byte order mark; JSON parsers do not want it.
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        if text.trim().is_empty() {
            self.files.push(LoadedFile {
                path: file.clone(),
                resources: 0,
                ignored: Vec::new(),
            });
            self.empty_files.push(file);
            return Ok(());
        }
        if !must_be_json && serde_json::from_str::<serde::de::IgnoredAny>(text).is_err() {
            self.not_json.push(file);
            return Ok(());
        }
        self.load_text(&file, text)
    }

    fn add_resource(
        &mut self,
        source: &Source<'_>,
        at: &[Step],
        value: Value,
    ) -> Result<(), SnapshotError> {
        let Value::Object(object) = value else {
            return Err(source.error(
                at,
                &format!("expected a resource object, found {}", kind_of(&value)),
            ));
        };
        let resource_type = match object.get("type") {
            Some(Value::String(t)) => t.clone(),
            Some(other) => {
                let mut path = at.to_vec();
                path.push(Step::Key("type".into()));
                return Err(source.error(
                    &path,
                    &format!("expected a string, found {}", kind_of(other)),
                ));
            }
            None => String::new(),
        };
        let normalised = normalise(Value::Object(object));
        if let Some(kind) = kinds::kind_for(&resource_type, &normalised) {
            return kind.add(self, source, at, &normalised);
        }
        let name = normalised
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let ignored = Ignored {
            file: source.file.to_owned(),
            name,
            resource_type: if resource_type.is_empty() {
                "(no type)".to_owned()
            } else {
                resource_type
            },
        };
        if let Some(file) = self.files.last_mut() {
            file.ignored.push(ignored);
        }
        Ok(())
    }

    pub(super) fn push<T: DeserializeOwned>(
        &mut self,
        source: &Source<'_>,
        at: &[Step],
        value: &Value,
        list: impl FnOnce(&mut Self) -> &mut Vec<T>,
        id_of: impl Fn(&T) -> &String,
    ) -> Result<(), SnapshotError> {
        // The happy path reads the value as borrowed; only a failure pays for a second
        // pass that tracks the path of the bad field.
        let resource = match T::deserialize(value) {
            Ok(resource) => resource,
            Err(plain) => {
                let mut path = at.to_vec();
                let message = match serde_path_to_error::deserialize::<_, T>(value) {
                    Err(error) => {
                        path.extend(steps_of(error.path()));
                        error.inner().to_string()
                    }
                    // Not expected: the same value read twice. Report without a path.
                    Ok(_) => plain.to_string(),
                };
                return Err(source.error(&path, &message));
            }
        };
        let id = id_of(&resource).to_ascii_lowercase();
        if id.is_empty() {
            // Without its id a resource joins nothing: the checks would pass it by.
            let mut path = at.to_vec();
            path.push(Step::Key("type".into()));
            let kind = value
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or("resource");
            return Err(source.error(
                &path,
                &format!(
                    "this {kind} needs its \"id\" to be joined to the others (export it with az ... show, or the ARM REST API)"
                ),
            ));
        }
        if let Some((first, earlier)) = self.seen_ids.get(&id) {
            // The same export twice (a `show` and a `list`, a directory given twice):
            // identical copies merge; copies that differ cannot both be true.
            if earlier == value {
                return Ok(());
            }
            let mut path = at.to_vec();
            path.push(Step::Key("id".into()));
            let field = first_difference(earlier, value, "").unwrap_or_default();
            return Err(source.error(
                &path,
                &format!(
                    "resource '{}' is defined twice with different content, first in {first}: they differ at {field}; keep one export of it",
                    id_of(&resource)
                ),
            ));
        }
        self.seen_ids
            .insert(id, (source.file.to_owned(), value.clone()));
        list(self).push(resource);
        self.count_resource();
        Ok(())
    }

    fn count_resource(&mut self) {
        if let Some(file) = self.files.last_mut() {
            file.resources += 1;
        }
    }

    fn add_app_settings_list(
        &mut self,
        source: &Source<'_>,
        items: &[Value],
    ) -> Result<(), SnapshotError> {
        for (index, item) in items.iter().enumerate() {
            let name = item.get("name").and_then(Value::as_str);
            let value = item.get("value");
            match (name, value) {
                (Some(name), Some(Value::String(value))) => {
                    self.app_settings.insert(name.to_owned(), value.clone());
                }
                (Some(_), Some(Value::Null)) => {}
                (Some(name), Some(other)) => {
                    self.app_settings.insert(name.to_owned(), other.to_string());
                }
                _ => {
                    return Err(source.error(
                        &[Step::Index(index)],
                        "an app setting needs a string \"name\" and a \"value\"",
                    ));
                }
            }
        }
        self.count_resource();
        Ok(())
    }

    pub(super) fn add_app_settings_object(
        &mut self,
        source: &Source<'_>,
        at: &[Step],
        value: &Value,
    ) -> Result<(), SnapshotError> {
        // Normalised: the settings are the object's own keys, less the resource's.
        let Value::Object(object) = value else {
            return Ok(());
        };
        for (name, setting) in object {
            if matches!(
                name.as_str(),
                "id" | "name" | "type" | "kind" | "location" | "tags"
            ) {
                continue;
            }
            match setting {
                Value::String(text) => {
                    self.app_settings.insert(name.clone(), text.clone());
                }
                other => {
                    let mut path = at.to_vec();
                    path.push(Step::Key(name.clone()));
                    return Err(source.error(
                        &path,
                        &format!("app setting values are strings, found {}", kind_of(other)),
                    ));
                }
            }
        }
        self.count_resource();
        Ok(())
    }
}

pub(super) struct Source<'a> {
    file: &'a str,
    text: &'a str,
}

impl Source<'_> {
    fn error(&self, path: &[Step], message: &str) -> SnapshotError {
        SnapshotError {
            file: self.file.to_owned(),
            line: line_of(self.text, path),
            json_path: Some(display_path(path)).filter(|p| !p.is_empty()),
            reason: message.to_owned(),
        }
    }
}

/// A path as people read it: `value[2].securityRules[0].priority`.
fn display_path(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Step::Index(index) => {
                let _ = write!(out, "[{index}]");
            }
        }
    }
    if out.is_empty() {
        "(top level)".to_owned()
    } else {
        out
    }
}

fn steps_of(path: &serde_path_to_error::Path) -> Vec<Step> {
    path.iter()
        .filter_map(|segment| match segment {
            serde_path_to_error::Segment::Seq { index } => Some(Step::Index(*index)),
            serde_path_to_error::Segment::Map { key } => Some(Step::Key(key.clone())),
            serde_path_to_error::Segment::Enum { variant } => Some(Step::Key(variant.clone())),
            serde_path_to_error::Segment::Unknown => None,
        })
        .collect()
}

/// Merges every `properties` object into its parent (the parent's own `id`, `name` and
/// `type` win) and drops unset fields, recursively: exports write an unset field as
/// `null` or as `""` alike.
fn normalise(mut value: Value) -> Value {
    normalise_in_place(&mut value);
    value
}

/// In place: the maps are kept, not rebuilt, which matters for exports of thousands of
/// NSG rules.
fn normalise_in_place(value: &mut Value) {
    match value {
        Value::Object(object) => {
            object.retain(|_, v| !is_unset(v));
            let nested = object.get("properties").is_some_and(Value::is_object);
            if let Some(Value::Object(properties)) =
                nested.then(|| object.remove("properties")).flatten()
            {
                for (key, value) in properties {
                    let parent_wins =
                        matches!(key.as_str(), "id" | "name" | "type") && object.contains_key(&key);
                    if !is_unset(&value) && !parent_wins {
                        object.insert(key, value);
                    }
                }
            }
            object.values_mut().for_each(normalise_in_place);
        }
        Value::Array(items) => items.iter_mut().for_each(normalise_in_place),
        _ => {}
    }
}

fn is_unset(value: &Value) -> bool {
    value.is_null() || value.as_str().is_some_and(str::is_empty)
}

fn is_app_settings_list(items: &[Value]) -> bool {
    !items.is_empty()
        && items.iter().all(|item| {
            item.as_object().is_some_and(|o| {
                o.contains_key("name") && o.contains_key("value") && !o.contains_key("type")
            })
        })
}

pub(super) fn is_app_settings_object(normalised: &Value) -> bool {
    let name = normalised
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let resource_keys = ["id", "name", "type", "kind", "location", "tags"];
    normalised.as_object().is_some_and(|object| {
        (name.is_empty()
            || name.eq_ignore_ascii_case("appsettings")
            || name.ends_with("/appsettings"))
            && object.keys().any(|k| !resource_keys.contains(&k.as_str()))
    })
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `serde_json` appends " at line L column C"; the message already starts with the line.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message.to_owned(),
    }
}

/// A file's text: UTF-8 (with or without a byte order mark), or UTF-16 with one (what
/// Windows PowerShell 5.1's `>` writes).
fn decode_text(bytes: Vec<u8>) -> Result<String, String> {
    let utf16 = |bytes: &[u8], big_endian: bool| -> Result<String, String> {
        if !bytes.len().is_multiple_of(2) {
            return Err("not a text file (UTF-16 with an odd number of bytes)".to_owned());
        }
        let units = bytes.chunks_exact(2).map(|pair| {
            if big_endian {
                u16::from_be_bytes([pair[0], pair[1]])
            } else {
                u16::from_le_bytes([pair[0], pair[1]])
            }
        });
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .map_err(|e| format!("not a text file (invalid UTF-16: {e})"))
    };
    match bytes.as_slice() {
        [0xFF, 0xFE, rest @ ..] => utf16(rest, false),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, true),
        _ => String::from_utf8(bytes).map_err(|e| {
            format!(
                "not a text file (invalid UTF-8 at byte {})",
                e.utf8_error().valid_up_to()
            )
        }),
    }
}

/// A `Microsoft.Web/sites/config` resource is the site's configuration when it is named
/// `web` (ARM names it `SITE/web` or after the site, with an id ending in `/config/web`).
/// The regional integration's config: `.../networkConfig/virtualNetwork`, or a
/// `sites/config` named `virtualNetwork`.
pub(super) fn is_network_config(value: &Value) -> bool {
    let id = value
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_ascii_lowercase();
    id.contains("/networkconfig/") || id.ends_with("/config/virtualnetwork")
}

pub(super) fn is_web_config(value: &Value) -> bool {
    let id = value.get("id").and_then(Value::as_str).unwrap_or_default();
    let name = value
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    id.to_ascii_lowercase().ends_with("/config/web")
        || name.eq_ignore_ascii_case("web")
        || name.to_ascii_lowercase().ends_with("/web")
}

/// The first field (a dotted path) at which two resources differ.
fn first_difference(a: &Value, b: &Value, at: &str) -> Option<String> {
    let here = || {
        if at.is_empty() {
            "the top level".to_owned()
        } else {
            at.to_owned()
        }
    };
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter().find_map(|key| {
                let path = if at.is_empty() {
                    key.clone()
                } else {
                    format!("{at}.{key}")
                };
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => first_difference(x, y, &path),
                    _ => Some(path),
                }
            })
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| first_difference(x, y, &format!("{at}[{i}]"))),
        _ if a == b => None,
        _ => Some(here()),
    }
}

/// Every file under `dir` (hidden ones left out), in name order.
fn export_files(dir: &Path) -> Result<Vec<PathBuf>, SnapshotError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| SnapshotError::in_file(dir.display().to_string(), e.to_string()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| SnapshotError::in_file(dir.display().to_string(), e.to_string()))?
            .path();
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        if path.is_dir() {
            files.extend(export_files(&path)?);
        } else {
            files.push(path);
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(SnapshotError::in_file(
            dir.display().to_string(),
            "no files in this directory",
        ));
    }
    Ok(files)
}
