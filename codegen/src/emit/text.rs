//! Rust source written out as text, for the parts of generated files that are lists of data
//! (the catalog, the `members!` lists) or the same few shapes over and over (the operations,
//! models and enums, with their checks): laid out here directly, they need no parsing and
//! formatting, which was most of what regenerating cost.

/// The width [`Lines::wrapped`] keeps a line within, as rustfmt does for hand-written code.
const WIDTH: usize = 100;

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

    /// `///` lines of the rustdoc `text` (as [`docs::attrs`](crate::docs::attrs) would give).
    pub fn doc(&mut self, text: &str) {
        for line in crate::docs::lines(text) {
            self.line(&format!("///{line}"));
        }
    }

    /// `open` and `items` separated by commas, then `close`, on one line if it fits (`pad`
    /// puts a space inside the brackets, as in `Self { a, b }`); else each item on a line of
    /// its own, with a trailing comma.
    pub fn wrapped(&mut self, open: &str, items: &[String], close: &str, pad: bool) {
        let joined = items.join(", ");
        let one = match (items.is_empty(), pad) {
            (false, true) => format!("{open} {joined} {close}"),
            _ => format!("{open}{joined}{close}"),
        };
        if self.depth * 4 + one.len() <= WIDTH {
            return self.line(&one);
        }
        self.open(open);
        for item in items {
            self.line(&format!("{item},"));
        }
        self.close(close);
    }

    /// [`wrapped`](Self::wrapped) for a line that opens a block, such as a signature.
    pub fn open_wrapped(&mut self, open: &str, items: &[String], close: &str) {
        self.wrapped(open, items, close, false);
        self.depth += 1;
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
