//! Bank statements: being written.
