//! Documents have named fields only. serde's derived readers also take a struct written as
//! an array, field by field in declaration order (`["small", null, 5]` is read as a whole
//! op file). [`named_fields_only`] compares what was written with what was read (the value
//! serialised back): wherever the value read is a table of named fields, the document must
//! have a table there. Unknown keys are serde's `deny_unknown_fields` (on every struct and
//! struct variant; ops without fields are empty struct variants for that reason), which
//! also knows the keys that are read but not written back (`device.preset`).

use serde_json::Value;

/// Check `written` (the document, as JSON) against `read` (what was parsed, serialised);
/// the error names the field path (`ops[3]`, `array`) and what is allowed there.
pub fn named_fields_only(written: &Value, read: &Value) -> Result<(), String> {
    walk(written, read, &mut String::new(), false)
}

/// [`named_fields_only`] for a document that the tools write themselves and read back (a
/// checkpoint): every key must also have been read, whatever type it is in.
pub fn every_field_read(written: &Value, read: &Value) -> Result<(), String> {
    walk(written, read, &mut String::new(), true)
}

/// [`named_fields_only`] for a TOML document and the value read from it.
pub fn toml_named_fields_only<T: serde::Serialize>(text: &str, read: &T) -> Result<(), String> {
    let written: toml::Table = toml::from_str(text).map_err(|e| e.message().to_string())?;
    let written = serde_json::to_value(written).map_err(|e| e.to_string())?;
    named_fields_only(
        &written,
        &serde_json::to_value(read).map_err(|e| e.to_string())?,
    )
}

/// [`named_fields_only`] for a JSON document and the value read from it.
pub fn json_named_fields_only<T: serde::Serialize>(text: &str, read: &T) -> Result<(), String> {
    let written: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    named_fields_only(
        &written,
        &serde_json::to_value(read).map_err(|e| e.to_string())?,
    )
}

fn at(path: &str) -> String {
    if path.is_empty() {
        "the document".into()
    } else {
        format!("field `{path}`")
    }
}

fn walk(written: &Value, read: &Value, path: &mut String, keys: bool) -> Result<(), String> {
    match (written, read) {
        (Value::Array(_), Value::Object(o)) => Err(format!(
            "{}: expected a table of named fields ({}), found an array (fields are named, not positional)",
            at(path),
            known(o)
        )),
        (Value::Object(w), Value::Object(r)) => {
            for (k, v) in w {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                match r.get(k) {
                    Some(rv) => walk(v, rv, path, keys)?,
                    None if keys => {
                        return Err(format!(
                            "{}: unknown field; allowed here: {}",
                            at(path),
                            known(r)
                        ))
                    }
                    None => {}
                }
                path.truncate(len);
            }
            Ok(())
        }
        (Value::Array(w), Value::Array(r)) => {
            for (i, (a, b)) in w.iter().zip(r).enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                walk(a, b, path, keys)?;
                path.truncate(len);
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn known(o: &serde_json::Map<String, Value>) -> String {
    let names: Vec<String> = o.keys().map(|k| format!("`{k}`")).collect();
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn arrays_for_tables_are_named_with_their_path() {
        let read = json!({"seed": 5, "ops": [{"op": "crs"}]});
        let e = named_fields_only(&json!([null, 5, [["crs"]]]), &read).unwrap_err();
        assert!(e.starts_with("the document: expected a table"), "{e}");
        let e = named_fields_only(&json!({"ops": [["crs"]]}), &read).unwrap_err();
        assert!(e.starts_with("field `ops[0]`: expected a table"), "{e}");
        // Keys read but not written back (a preset name) are serde's to judge...
        named_fields_only(&json!({"ops": [{"op": "crs", "preset": "x"}]}), &read).unwrap();
        // ...but a document of our own must have had every key read.
        let extra = json!({"ops": [{"op": "crs", "extra": 1}]});
        let e = every_field_read(&extra, &read).unwrap_err();
        assert_eq!(e, "field `ops[0].extra`: unknown field; allowed here: `op`");
        named_fields_only(&json!({"ops": [{"op": "crs"}]}), &read).unwrap();
    }
}
