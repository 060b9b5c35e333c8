//! Where the tests find what is never copied into the project: the real logs and the seed
//! articles, in `../shared` beside the repository, or where an environment variable says.
//!
//! A test that reads one of them has its group's mark in its name (module path included):
//! `real_logs` or `seed_articles`. Where a folder is absent, `./dev test` leaves those tests out
//! by name (`cargo test -- --skip real_logs`) and says so; a test that runs and finds no folder
//! fails, it never passes having checked nothing. The lookups check the mark on the name of the
//! calling test, so every test that reads the folder is one `./dev test` can leave out.

use std::path::PathBuf;

pub mod ccm_logs;

/// One folder of `../shared`: the mark its tests carry, the variable that may point at it and
/// its name beside the repository.
pub struct Shared {
    pub mark: &'static str,
    pub var: &'static str,
    pub folder: &'static str,
    pub what: &'static str,
}

/// The logs that real machines wrote (their README.md describes each).
pub const REAL_LOGS: Shared = Shared { mark: "real_logs", var: "WULENS_REALLOGS", folder: "reallogs", what: "the real logs" };

/// The four seed articles the knowledge base cites.
pub const SEED_ARTICLES: Shared = Shared { mark: "seed_articles", var: "WULENS_SEEDS", folder: "seeds", what: "the seed articles" };

/// The real logs' folder; the calling test's name must hold `real_logs`.
pub fn real_logs() -> PathBuf {
    REAL_LOGS.required()
}

/// The seed articles' folder; the calling test's name must hold `seed_articles`.
pub fn seed_articles() -> PathBuf {
    SEED_ARTICLES.required()
}

/// The repository of the running test: the first folder above its crate (cargo runs a test in
/// its crate's folder) that holds `Cargo.lock`. Found when the test runs, not when this crate
/// was built, which may have been in another checkout sharing the build folder.
fn repository() -> PathBuf {
    let start = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from).or_else(|| std::env::current_dir().ok());
    let found = start.and_then(|d| d.ancestors().find(|a| a.join("Cargo.lock").is_file()).map(PathBuf::from));
    found.unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")))
}

impl Shared {
    /// `$VAR` where it is set, else `../shared/<folder>` beside the repository. Only a folder
    /// with its README.md counts as found.
    pub fn find(&self) -> Result<PathBuf, String> {
        let (dir, how) = match std::env::var_os(self.var) {
            Some(v) => (PathBuf::from(v), format!("{} points at", self.var)),
            None => (repository().join("../shared").join(self.folder), format!("{} is unset, so they were looked for at", self.var)),
        };
        if dir.join("README.md").is_file() {
            Ok(dir)
        } else {
            Err(format!(
                "{} are not here: {how} {}, which holds no README.md. Set {} to their folder or put it at ../shared/{} beside the repository; \
                 without them, `./dev test` leaves out the tests named `{}` and says so",
                self.what,
                dir.display(),
                self.var,
                self.folder,
                self.mark
            ))
        }
    }

    /// The folder, for the test running on this thread, which must carry the mark.
    pub fn required(&self) -> PathBuf {
        let thread = std::thread::current();
        let test = thread.name().unwrap_or("(an unnamed thread)");
        assert!(
            test.contains(self.mark),
            "the test `{test}` reads {} (../shared/{}): its name must hold `{}`, so that `./dev test` can leave it out where the folder is absent \
             (and the folder must be looked up on the test's own thread)",
            self.what,
            self.folder,
            self.mark
        );
        self.find().unwrap_or_else(|e| panic!("{e}"))
    }
}

#[cfg(test)]
mod tests {
    /// A test without the mark cannot read the folder, whether or not it is here.
    #[test]
    #[should_panic(expected = "its name must hold `real_logs`")]
    fn a_test_without_the_mark_is_refused() {
        super::real_logs();
    }

    #[test]
    #[should_panic(expected = "its name must hold `seed_articles`")]
    fn a_test_without_the_seeds_mark_is_refused() {
        super::seed_articles();
    }
}
