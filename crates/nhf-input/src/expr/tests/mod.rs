//! Tests of the whole language: parsing and its refusals, exact derivatives against
//! `num-dual` and central differences, and property tests on random inputs.

mod derivatives;
mod parse;
mod props;
mod reference;
