//! [`OneOrMany`]: what a list argument takes, so one value needs no list around it.

/// One value or many, for a list argument: `.r#type("miniserver")`,
/// `.r#type(["miniserver", "cloudstorage"])` and `.r#type(vec![...])` all work.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct OneOrMany<T>(Vec<T>);

impl<T> OneOrMany<T> {
    /// The values, in order.
    pub fn into_vec(self) -> Vec<T> {
        self.0
    }
}

impl<T> From<T> for OneOrMany<T> {
    fn from(value: T) -> Self {
        OneOrMany(vec![value])
    }
}

impl<T> From<Vec<T>> for OneOrMany<T> {
    fn from(values: Vec<T>) -> Self {
        OneOrMany(values)
    }
}

impl<T, const N: usize> From<[T; N]> for OneOrMany<T> {
    fn from(values: [T; N]) -> Self {
        OneOrMany(values.into())
    }
}

impl From<&str> for OneOrMany<String> {
    fn from(value: &str) -> Self {
        OneOrMany(vec![value.to_owned()])
    }
}

impl From<Vec<&str>> for OneOrMany<String> {
    fn from(values: Vec<&str>) -> Self {
        OneOrMany(values.into_iter().map(str::to_owned).collect())
    }
}

impl<const N: usize> From<[&str; N]> for OneOrMany<String> {
    fn from(values: [&str; N]) -> Self {
        OneOrMany(values.iter().map(|v| (*v).to_owned()).collect())
    }
}

impl From<&[&str]> for OneOrMany<String> {
    fn from(values: &[&str]) -> Self {
        OneOrMany(values.iter().map(|v| (*v).to_owned()).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn take(values: impl Into<OneOrMany<String>>) -> Vec<String> {
        values.into().into_vec()
    }

    #[test]
    fn one_value_or_many() {
        assert_eq!(take("a"), ["a"]);
        assert_eq!(take(String::from("a")), ["a"]);
        assert_eq!(take(["a", "b"]), ["a", "b"]);
        assert_eq!(take(vec!["a", "b"]), ["a", "b"]);
        assert_eq!(take(vec![String::from("a")]), ["a"]);
        assert_eq!(OneOrMany::<i32>::from(vec![1, 2]).into_vec(), [1, 2]);
        assert_eq!(OneOrMany::<i32>::from(3).into_vec(), [3]);
    }
}
