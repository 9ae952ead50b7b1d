//! Files the tools read and write, with one set of rules for every command:
//!
//! - [`input`]: inputs are read with a size cap (a device such as `/dev/zero` ends with a
//!   clear error instead of filling memory), `-` is stdin, errors name the path;
//! - [`output`]: a regular file is written to a temporary file next to it and renamed when
//!   complete (the final name holds the whole old file or the whole new one); a device, a
//!   FIFO or `-` (stdout) is written in place and never replaced; errors name the path;
//! - [`shape`]: documents have named fields only (no positional arrays, no unread keys);
//! - [`cleanup`]: temporary files and folders in flight, removed when the process is
//!   interrupted (the command line's signal handler calls [`cleanup::remove_all`]).

pub mod cleanup;
pub mod input;
pub mod output;
pub mod shape;

pub use input::{json_message, read_bytes, read_capped, read_text, InputError, InputLimit};
pub use output::{write_file, Output};
pub use shape::{
    every_field_read, json_named_fields_only, named_fields_only, toml_named_fields_only,
};
