//! One module per command: each reads its arguments, asks ports-core, prints through `out`.

pub(crate) mod add;
pub(crate) mod check;
pub(crate) mod doc;
pub(crate) mod export;
pub(crate) mod init;
pub(crate) mod list;
pub(crate) mod next;
pub(crate) mod resolve;
pub(crate) mod scan;
pub(crate) mod status;
