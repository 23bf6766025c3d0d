//! Finds the line of a JSON path in a file's text, for error messages.
//!
//! `serde_json` reports lines only for syntax errors; a field of the wrong type is found
//! after parsing, with a path (from `serde_path_to_error`) into the *normalised* resource,
//! where ARM's `properties` objects have been merged into their parents. This scanner
//! walks the original text and, when a key is missing at some level, looks inside that
//! level's `properties` object, which maps the path back. It runs only after `serde_json`
//! accepted the text, so the text is valid JSON.

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Index(usize),
}

/// The 1-based line where the value at `path` starts, if it can be found.
pub fn line_of(text: &str, path: &[Step]) -> Option<usize> {
    let mut scanner = Scanner {
        bytes: text.as_bytes(),
        pos: 0,
    };
    scanner.skip_ws();
    let offset = scanner.find(path)?;
    Some(text[..offset].matches('\n').count() + 1)
}

struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Scanner<'_> {
    fn skip_ws(&mut self) {
        while self.pos < self.bytes.len() && self.bytes[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// At the start of a value: the offset of the value at `path` below it.
    fn find(&mut self, path: &[Step]) -> Option<usize> {
        let Some((step, rest)) = path.split_first() else {
            return Some(self.pos);
        };
        match (step, self.peek()?) {
            (Step::Key(key), b'{') => {
                let start = self.pos;
                if let Some(offset) = self.find_key(key, rest) {
                    return Some(offset);
                }
                // Not at this level: try inside this object's `properties` (ARM shape).
                self.pos = start;
                let mut with_properties = vec![Step::Key("properties".to_owned())];
                with_properties.extend_from_slice(path);
                self.find_key("properties", &with_properties[1..])
            }
            (Step::Index(index), b'[') => {
                self.pos += 1;
                self.skip_ws();
                let mut current = 0;
                loop {
                    if self.peek()? == b']' {
                        return None;
                    }
                    if current == *index {
                        return self.find(rest);
                    }
                    self.skip_value()?;
                    self.skip_ws();
                    if self.peek()? == b',' {
                        self.pos += 1;
                        self.skip_ws();
                    }
                    current += 1;
                }
            }
            _ => None,
        }
    }

    /// Inside an object starting at `pos`: descends into `key` and follows `rest`.
    fn find_key(&mut self, key: &str, rest: &[Step]) -> Option<usize> {
        self.pos += 1; // '{'
        loop {
            self.skip_ws();
            match self.peek()? {
                b',' => {
                    self.pos += 1;
                    continue;
                }
                b'"' => {}
                _ => return None, // '}' ends the object without the key
            }
            let name = self.read_string()?;
            self.skip_ws();
            if self.peek()? != b':' {
                return None;
            }
            self.pos += 1;
            self.skip_ws();
            if name == key {
                return self.find(rest);
            }
            self.skip_value()?;
        }
    }

    fn read_string(&mut self) -> Option<String> {
        let start = self.pos;
        self.skip_string()?;
        serde_json::from_slice(&self.bytes[start..self.pos]).ok()
    }

    fn skip_string(&mut self) -> Option<()> {
        self.pos += 1; // opening quote
        while let Some(byte) = self.peek() {
            self.pos += 1;
            match byte {
                b'\\' => self.pos += 1,
                b'"' => return Some(()),
                _ => {}
            }
        }
        None
    }

    fn skip_value(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => self.skip_string(),
            b'{' | b'[' => {
                let mut depth = 0_usize;
                while let Some(byte) = self.peek() {
                    match byte {
                        b'"' => {
                            self.skip_string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.pos += 1;
                                return Some(());
                            }
                        }
                        _ => {}
                    }
                    self.pos += 1;
                }
                None
            }
            _ => {
                while let Some(byte) = self.peek() {
                    if matches!(byte, b',' | b'}' | b']') || byte.is_ascii_whitespace() {
                        break;
                    }
                    self.pos += 1;
                }
                Some(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Step {
        Step::Key(k.to_owned())
    }

    #[test]
    fn finds_lines_through_properties() {
        let text = r#"{
  "value": [
    {"name": "a", "type": "x"},
    {
      "name": "nsg",
      "properties": {
        "securityRules": [
          {"name": "r1", "properties": {"priority": 100}},
          {"name": "r2",
           "properties": {
             "priority": "high"
           }}
        ]
      }
    }
  ]
}"#;
        let path = [
            key("value"),
            Step::Index(1),
            key("securityRules"),
            Step::Index(1),
            key("priority"),
        ];
        assert_eq!(line_of(text, &path), Some(11));
        assert_eq!(
            line_of(text, &[key("value"), Step::Index(0), key("type")]),
            Some(3)
        );
        assert_eq!(line_of(text, &[key("value"), Step::Index(5)]), None);
        assert_eq!(line_of(text, &[key("nothing")]), None);
    }

    #[test]
    fn strings_with_brackets_and_escapes_do_not_confuse_it() {
        let text = "[\n {\"a\": \"}]\\\" [\",\n  \"b\": 1}\n]";
        assert!(serde_json::from_str::<serde_json::Value>(text).is_ok());
        assert_eq!(line_of(text, &[Step::Index(0), key("b")]), Some(3));
    }
}
