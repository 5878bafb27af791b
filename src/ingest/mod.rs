//! Reading the canonical input files of SPEC §1 into typed columns.
//!
//! Each file is parsed once, streaming: every row is either accepted into plain vectors or written
//! to the file's rejects with line, column and reason. Ids are interned to dense integer codes whose
//! order follows the ids' text, so later stages group and sort on integers.

mod columns;
mod dataset;
mod intern;
mod load;
pub mod mapping;
pub mod privacy;
pub mod quality;
pub mod reader;
pub mod references;
pub mod values;

use polars::prelude::{PlFixedStateQuality, PlHashSet};
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, BuildHasherDefault};
use std::path::Path;

use crate::config::Config;
use crate::dates::{self, Day, Moment, MomentError};
use crate::error::{Error, Result};
use reader::{read_table, read_table_parts, FileReport, Parts, Row, Split, Table};
use values::{Category, SessionType, Status, Urgency};

pub use columns::*;
pub use dataset::*;
pub use intern::*;
pub use load::*;
