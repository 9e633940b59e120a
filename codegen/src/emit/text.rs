//! Rust source written out as text, for the parts of generated files that are lists of data
//! (the catalog, the `members!` lists): laid out here directly, they need no parsing and
//! formatting, which is most of what regenerating costs.

/// `text` as a Rust string literal.
pub fn string(text: &str) -> String {
    proc_macro2::Literal::string(text).to_string()
}

/// `&[a, b]`, the items written as they are.
pub fn slice(items: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    let mut out = String::from("&[");
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(item.as_ref());
    }
    out.push(']');
    out
}

/// `&["a", "b"]`.
pub fn strings<T: AsRef<str>>(items: impl IntoIterator<Item = T>) -> String {
    slice(items.into_iter().map(|item| string(item.as_ref())))
}

/// `Some("a")` or `None`.
pub fn option_string(value: Option<&str>) -> String {
    value.map_or_else(|| "None".to_owned(), |text| format!("Some({})", string(text)))
}

/// Lines of source, indented four spaces per level.
#[derive(Default)]
pub struct Lines {
    out: String,
    depth: usize,
}

impl Lines {
    /// One line at the current indent.
    pub fn line(&mut self, text: &str) {
        for _ in 0..self.depth {
            self.out.push_str("    ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// `name: value,`.
    pub fn field(&mut self, name: &str, value: &str) {
        self.line(&format!("{name}: {value},"));
    }

    /// A line that opens a block: the lines after it are indented one level more.
    pub fn open(&mut self, text: &str) {
        self.line(text);
        self.depth += 1;
    }

    /// A line that closes the block [`open`](Self::open) began.
    pub fn close(&mut self, text: &str) {
        self.depth -= 1;
        self.line(text);
    }

    /// `name: &[ … ],` with what `each` writes for every item inside it, or `name: &[],` when
    /// there are none.
    pub fn items<T>(
        &mut self,
        name: &str,
        items: impl IntoIterator<Item = T>,
        mut each: impl FnMut(&mut Self, T),
    ) {
        let mut items = items.into_iter().peekable();
        if items.peek().is_none() {
            return self.field(name, "&[]");
        }
        self.open(&format!("{name}: &["));
        for item in items {
            each(self, item);
        }
        self.close("],");
    }

    /// The lines written.
    pub fn finish(self) -> String {
        self.out
    }
}
