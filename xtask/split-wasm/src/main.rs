//! Cuts the playground's release wasm in two: a **primary** module, everything the shell, the
//! home page and the engine run, which a first visit loads, and a **pages** module, the demos'
//! own code and the code the pages show (the custom section `cp_sources`), which the page loads
//! when a learner opens a demo (`engine::load_pages`, src/engine/web_pages.rs).
//!
//! `split-wasm IN.wasm PRIMARY.wasm PAGES.wasm PATTERN...` — a function goes to the pages module
//! if its demangled name contains one of the patterns (e.g. `concurrency_playground::demos::gil::`,
//! also inside generic arguments: the build uses v0 mangling), or if only such functions call it;
//! a named function the primary calls directly stays in the primary.
//!
//! How the halves meet, in every instance of the module (the page's and each worker's, which all
//! share one memory but have their own table):
//! - each moved function that the primary still refers to (a call, a table entry) keeps its index
//!   in the primary as a *trampoline*: if its slot in the table is empty, it calls the export
//!   `__cp_load_pages` (JS instantiates the pages module into this instance), then calls the real
//!   function through the slot;
//! - the pages module imports from the primary (module `primary`) the memory, the tables, the
//!   globals and every function it calls, and fills the slots with an active element segment.
//!
//! What it refuses to move: functions that touch data or element segments (their segments stay in
//! the primary) or exception tags, exports and the start function.
use anyhow::{Context, Result, bail};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use walrus::ir::{self, Visitor};
use walrus::{
    ConstExpr, ElementItems, ElementKind, ExportItem, FunctionId, FunctionKind, GlobalKind,
    ImportKind, Module, TableId,
};

/// The export the primary calls to have the pages module loaded into its instance.
const LOADER: &str = "__cp_load_pages";
/// The custom section of the code the demos show (core::region): it moves to the pages module.
const SHOWN: &str = "cp_sources";

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, primary_out, pages_out, patterns @ ..] = args.as_slice() else {
        bail!("usage: split-wasm IN.wasm PRIMARY.wasm PAGES.wasm PATTERN...");
    };
    if patterns.is_empty() {
        bail!("no pattern: nothing would move");
    }
    let bytes = std::fs::read(input).with_context(|| format!("reading {input}"))?;
    let plan = Plan::new(&Module::from_buffer(&bytes)?, patterns)?;
    let mut pages = Module::from_buffer(&bytes)?;
    let imports = plan.make_pages(&mut pages)?;
    let mut primary = Module::from_buffer(&bytes)?;
    plan.make_primary(&mut primary, &imports)?;
    let (p, s) = (primary.emit_wasm(), pages.emit_wasm());
    eprintln!(
        "split-wasm: {} functions moved ({} reached from the primary); primary {} KB, pages {} KB (was {} KB)",
        plan.moved.len(),
        plan.entries.len(),
        p.len() / 1024,
        s.len() / 1024,
        bytes.len() / 1024
    );
    std::fs::write(primary_out, p)?;
    std::fs::write(pages_out, s)?;
    Ok(())
}

/// What one function's body refers to.
#[derive(Default)]
struct Refs {
    funcs: Vec<FunctionId>,
    /// A data or element segment, or a tag: things that stay in the primary, and so does it.
    segments: bool,
}

impl<'i> Visitor<'i> for Refs {
    fn visit_function_id(&mut self, f: &FunctionId) {
        self.funcs.push(*f);
    }
    fn visit_data_id(&mut self, _: &walrus::DataId) {
        self.segments = true;
    }
    fn visit_element_id(&mut self, _: &walrus::ElementId) {
        self.segments = true;
    }
    fn visit_tag_id(&mut self, _: &walrus::TagId) {
        self.segments = true;
    }
}

fn refs(m: &Module, f: FunctionId) -> Refs {
    let mut r = Refs::default();
    if let FunctionKind::Local(l) = &m.funcs.get(f).kind {
        ir::dfs_in_order(&mut r, l, l.entry_block());
    }
    r
}

/// Ids belong to one parse of the module (walrus's arenas): the plan keeps indices, and each
/// half looks its ids up by them.
struct Plan {
    /// Functions whose bodies go to the pages module.
    moved: BTreeSet<usize>,
    /// The moved functions the primary still refers to, each with its table slot.
    entries: BTreeMap<usize, u64>,
    table: usize,
    first_slot: u64,
}

fn func_ids(m: &Module) -> BTreeMap<usize, FunctionId> {
    m.funcs.iter().map(|f| (f.id().index(), f.id())).collect()
}

fn table_id(m: &Module, index: usize) -> Result<TableId> {
    m.tables
        .iter()
        .map(|t| t.id())
        .find(|t| t.index() == index)
        .context("the function table is gone")
}

impl Plan {
    fn new(m: &Module, patterns: &[String]) -> Result<Plan> {
        let table = m
            .tables
            .main_function_table()?
            .context("no function table")?;
        let pinned: HashSet<FunctionId> = m
            .exports
            .iter()
            .filter_map(|e| match e.item {
                ExportItem::Function(f) => Some(f),
                _ => None,
            })
            .chain(m.start)
            .collect();
        let body: BTreeMap<FunctionId, Refs> =
            m.funcs.iter_local().map(|(f, _)| (f, refs(m, f))).collect();
        let movable =
            |f: &FunctionId| !pinned.contains(f) && body.get(f).is_some_and(|r| !r.segments);
        let named: BTreeSet<FunctionId> = m
            .funcs
            .iter_local()
            .map(|(f, _)| f)
            .filter(movable)
            .filter(|f| matches(m, *f, patterns))
            .collect();
        // What the primary reaches without entering a named function: its roots are the exports,
        // the start function and every function in a table (their addresses are taken).
        let in_table = table_entries(m);
        let roots: Vec<FunctionId> = pinned
            .iter()
            .copied()
            .chain(in_table.iter().copied())
            .collect();
        let (named, kept) = keep_what_the_primary_calls(&roots, &body, named);
        // Moved: the named functions and whatever only they reach (if it can move).
        let mut moved = BTreeSet::new();
        let mut stack: Vec<FunctionId> = named.iter().copied().collect();
        while let Some(f) = stack.pop() {
            if kept.contains(&f) || !movable(&f) || !moved.insert(f) {
                continue;
            }
            stack.extend(body[&f].funcs.iter().copied());
        }
        if std::env::var_os("SPLIT_WASM_REPORT").is_some() {
            report(m, &moved);
        }
        let called_from_primary: BTreeSet<FunctionId> = kept
            .iter()
            .filter_map(|f| body.get(f))
            .flat_map(|r| r.funcs.iter().copied())
            .collect();
        let first_slot = m.tables.get(table).initial;
        let entries = moved
            .iter()
            .filter(|f| in_table.contains(f) || called_from_primary.contains(f))
            .enumerate()
            .map(|(i, f)| (f.index(), first_slot + i as u64))
            .collect();
        let moved = moved.iter().map(|f| f.index()).collect();
        Ok(Plan {
            moved,
            entries,
            table: table.index(),
            first_slot,
        })
    }

    fn slots(&self) -> u64 {
        self.first_slot + self.entries.len() as u64
    }

    /// Turns a copy of the whole module into the pages module; returns the names it imports from
    /// the primary (`f12`: function 12, `g`, `t`, `m`: global, table, memory), which the primary
    /// then exports.
    fn make_pages(&self, m: &mut Module) -> Result<Vec<String>> {
        // Nothing of the primary's own: no exports, start, data or table entries.
        for id in m.exports.iter().map(|e| e.id()).collect::<Vec<_>>() {
            m.exports.delete(id);
        }
        m.start = None;
        for id in m.data.iter().map(|d| d.id()).collect::<Vec<_>>() {
            m.data.delete(id);
        }
        for id in m.elements.iter().map(|e| e.id()).collect::<Vec<_>>() {
            m.elements.delete(id);
        }
        // Everything that stays in the primary becomes an import of it.
        let ids = func_ids(m);
        let main_table = table_id(m, self.table)?;
        let kept: Vec<FunctionId> = ids
            .iter()
            .filter(|(i, _)| !self.moved.contains(i))
            .map(|(_, f)| *f)
            .collect();
        import_functions(m, &kept);
        import_globals(m);
        import_tables(m, main_table, self.slots());
        import_memories(m)?;
        let funcs: Vec<FunctionId> = self.entries.keys().map(|i| ids[i]).collect();
        let offset = ConstExpr::Value(ir::Value::I32(self.first_slot as i32));
        m.elements.add(
            ElementKind::Active {
                table: main_table,
                offset,
            },
            ElementItems::Functions(funcs),
        );
        walrus::passes::gc::run(m);
        strip(m, true);
        Ok(m.imports.iter().map(|i| i.name.clone()).collect())
    }

    /// Turns the whole module into the primary: trampolines for the moved functions it refers to,
    /// a table with room for their slots, and exports of what the pages module imports.
    fn make_primary(&self, m: &mut Module, imports: &[String]) -> Result<()> {
        let load = m
            .exports
            .iter()
            .find_map(|e| match e.item {
                ExportItem::Function(f) if e.name == LOADER => Some(f),
                _ => None,
            })
            .with_context(|| format!("the module exports no `{LOADER}`"))?;
        let ids = func_ids(m);
        let main_table = table_id(m, self.table)?;
        for (i, &slot) in &self.entries {
            trampoline(m, ids[i], slot, main_table, load);
        }
        let table = m.tables.get_mut(main_table);
        table.initial = self.slots();
        table.maximum = table.maximum.map(|_| self.slots());
        for name in imports {
            let item = export_item(m, &ids, name)?;
            m.exports.add(name, item);
        }
        walrus::passes::gc::run(m);
        strip(m, false);
        Ok(())
    }
}

/// The primary's item behind one of the pages module's import names.
fn export_item(m: &Module, funcs: &BTreeMap<usize, FunctionId>, name: &str) -> Result<ExportItem> {
    let index: usize = name[1..]
        .parse()
        .with_context(|| format!("import name {name}"))?;
    let missing = || anyhow::anyhow!("the primary has no item for the import {name}");
    Ok(match &name[..1] {
        "f" => ExportItem::Function(*funcs.get(&index).ok_or_else(missing)?),
        "g" => ExportItem::Global(
            m.globals
                .iter()
                .map(|g| g.id())
                .find(|g| g.index() == index)
                .ok_or_else(missing)?,
        ),
        "t" => ExportItem::Table(
            m.tables
                .iter()
                .map(|t| t.id())
                .find(|t| t.index() == index)
                .ok_or_else(missing)?,
        ),
        "m" => ExportItem::Memory(
            m.memories
                .iter()
                .map(|x| x.id())
                .find(|x| x.index() == index)
                .ok_or_else(missing)?,
        ),
        _ => bail!("import name {name}"),
    })
}

/// Drops the names (the build keeps them until here for the split: `-g` to wasm-opt) and the
/// other sections no browser reads; the shown code only where `keep_shown`.
fn strip(m: &mut Module, keep_shown: bool) {
    let drop: Vec<_> = m
        .customs
        .iter()
        .filter(|(_, c)| !(keep_shown && c.name() == SHOWN))
        .map(|(id, _)| id)
        .collect();
    for id in drop {
        m.customs.delete(id);
    }
    m.producers.clear();
    m.name = None;
    m.funcs.iter_mut().for_each(|f| f.name = None);
    for id in m.locals.iter().map(|l| l.id()).collect::<Vec<_>>() {
        m.locals.get_mut(id).name = None;
    }
    for id in m.globals.iter().map(|g| g.id()).collect::<Vec<_>>() {
        m.globals.get_mut(id).name = None;
    }
    m.tables.iter_mut().for_each(|t| t.name = None);
    m.memories.iter_mut().for_each(|x| x.name = None);
    for id in m.data.iter().map(|d| d.id()).collect::<Vec<_>>() {
        m.data.get_mut(id).name = None;
    }
    m.elements.iter_mut().for_each(|e| e.name = None);
}

/// A function's name as a path: demangled (wasm-bindgen has usually done it already) and without
/// the crates' disambiguators (`concurrency_playground[822fb2b04c3a0718]::demos` -> `…::demos`).
fn readable(name: &str) -> String {
    let name = format!("{:#}", rustc_demangle::demangle(name));
    let mut out = String::with_capacity(name.len());
    let mut rest = name.as_str();
    while let Some(open) = rest.find('[') {
        let close = rest[open..].find(']').map(|c| open + c);
        match close {
            Some(c) if c > open + 1 && rest[open + 1..c].bytes().all(|b| b.is_ascii_hexdigit()) => {
                out.push_str(&rest[..open]);
                rest = &rest[c + 1..];
            }
            _ => {
                out.push_str(&rest[..=open]);
                rest = &rest[open + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `SPLIT_WASM_REPORT=1`: where the primary's code is, by path (for whoever tunes the split).
fn report(m: &Module, moved: &BTreeSet<FunctionId>) {
    let mut by_path: BTreeMap<String, (u64, usize)> = BTreeMap::new();
    for (f, l) in m.funcs.iter_local() {
        if moved.contains(&f) {
            continue;
        }
        let name = readable(m.funcs.get(f).name.as_deref().unwrap_or("?"));
        let name = name.trim_start_matches('<');
        let key: String = name.split("::").take(3).collect::<Vec<_>>().join("::");
        let key: String = key.chars().take_while(|c| *c != '<' && *c != ' ').collect();
        let e = by_path.entry(key).or_default();
        e.0 += l.size();
        e.1 += 1;
    }
    let mut rows: Vec<_> = by_path.into_iter().collect();
    rows.sort_by_key(|(_, (size, _))| std::cmp::Reverse(*size));
    for (path, (size, n)) in rows.iter().take(45) {
        eprintln!("{size:>8} {n:>5}  {path}");
    }
}

/// The functions reached from `roots` by direct calls, without entering `stop`.
fn reach(
    roots: &[FunctionId],
    body: &BTreeMap<FunctionId, Refs>,
    stop: &BTreeSet<FunctionId>,
) -> BTreeSet<FunctionId> {
    let mut kept = BTreeSet::new();
    let mut stack = roots.to_vec();
    while let Some(f) = stack.pop() {
        if stop.contains(&f) || !kept.insert(f) {
            continue;
        }
        stack.extend(
            body.get(&f)
                .map(|r| r.funcs.iter().copied())
                .into_iter()
                .flatten(),
        );
    }
    kept
}

/// Whether a function's name puts it with the demos.
fn matches(m: &Module, f: FunctionId, patterns: &[String]) -> bool {
    let name = readable(m.funcs.get(f).name.as_deref().unwrap_or(""));
    patterns.iter().any(|p| name.contains(p.as_str()))
}

/// Every function placed in a table (its address is taken).
fn table_entries(m: &Module) -> BTreeSet<FunctionId> {
    m.elements
        .iter()
        .flat_map(|e| match &e.items {
            ElementItems::Functions(fs) => fs.clone(),
            ElementItems::Expressions(..) => Vec::new(),
        })
        .collect()
}

/// A named function that the primary calls directly stays in it, with what it calls: its name
/// was one instance's, but the primary runs it (the shell could call it before any demo is
/// open). Until nothing changes; returns the named functions left and what the primary reaches.
fn keep_what_the_primary_calls(
    roots: &[FunctionId],
    body: &BTreeMap<FunctionId, Refs>,
    mut named: BTreeSet<FunctionId>,
) -> (BTreeSet<FunctionId>, BTreeSet<FunctionId>) {
    loop {
        let kept = reach(roots, body, &named);
        let called: Vec<FunctionId> = kept
            .iter()
            .filter_map(|f| body.get(f))
            .flat_map(|r| r.funcs.iter().copied())
            .filter(|g| named.contains(g))
            .collect();
        if called.is_empty() {
            return (named, kept);
        }
        for g in called {
            named.remove(&g);
        }
    }
}

/// `primary`.`name`: where the pages module finds an item of the primary (it exports them so).
fn from_primary(m: &mut Module, import: walrus::ImportId, name: String) {
    let import = m.imports.get_mut(import);
    (import.module, import.name) = ("primary".into(), name);
}

fn import_functions(m: &mut Module, kept: &[FunctionId]) {
    for &f in kept {
        let (ty, name) = (m.funcs.get(f).ty(), format!("f{}", f.index()));
        match m.funcs.get(f).kind {
            FunctionKind::Import(ref i) => from_primary(m, i.import, name),
            _ => {
                let import = m.imports.add("primary", &name, ImportKind::Function(f));
                m.funcs.get_mut(f).kind =
                    FunctionKind::Import(walrus::ImportedFunction { import, ty });
            }
        }
    }
}

fn import_globals(m: &mut Module) {
    for g in m.globals.iter().map(|g| g.id()).collect::<Vec<_>>() {
        let name = format!("g{}", g.index());
        match m.globals.get(g).kind {
            GlobalKind::Import(i) => from_primary(m, i, name),
            GlobalKind::Local(_) => {
                let import = m.imports.add("primary", &name, ImportKind::Global(g));
                m.globals.get_mut(g).kind = GlobalKind::Import(import);
            }
        }
    }
}

/// The tables too, the function table with the room the primary made for the slots.
fn import_tables(m: &mut Module, main_table: TableId, slots: u64) {
    for t in m.tables.iter().map(|t| t.id()).collect::<Vec<_>>() {
        let name = format!("t{}", t.index());
        let import = match m.tables.get(t).import {
            Some(i) => {
                from_primary(m, i, name);
                i
            }
            None => m.imports.add("primary", &name, ImportKind::Table(t)),
        };
        let table = m.tables.get_mut(t);
        table.import = Some(import);
        table.init = None;
        table.elem_segments.clear();
        if t == main_table {
            table.initial = slots;
            table.maximum = table.maximum.map(|_| slots);
        }
    }
}

/// The one shared memory, which the primary itself imports.
fn import_memories(m: &mut Module) -> Result<()> {
    for mem in m.memories.iter().map(|x| x.id()).collect::<Vec<_>>() {
        let name = format!("m{}", mem.index());
        let Some(i) = m.memories.get(mem).import else {
            bail!("the memory is not imported: the pages module could not share it");
        };
        from_primary(m, i, name);
        m.memories.get_mut(mem).data_segments.clear();
    }
    Ok(())
}

/// Gives `f` (a moved function) a body that calls it through its slot, having the pages module
/// loaded into this instance first if the slot is still empty.
fn trampoline(m: &mut Module, f: FunctionId, slot: u64, table: TableId, load: FunctionId) {
    let ty = m.funcs.get(f).ty();
    let (params, results) = (
        m.types.get(ty).params().to_vec(),
        m.types.get(ty).results().to_vec(),
    );
    let args: Vec<_> = params.iter().map(|p| m.locals.add(*p)).collect();
    let mut b = walrus::FunctionBuilder::new(&mut m.types, &params, &results);
    let mut body = b.func_body();
    body.block(None, |blk| {
        let id = blk.id();
        blk.i32_const(slot as i32)
            .table_get(table)
            .ref_is_null()
            .unop(ir::UnaryOp::I32Eqz)
            .br_if(id)
            .call(load);
    });
    for a in &args {
        body.local_get(*a);
    }
    body.i32_const(slot as i32).call_indirect(ty, table);
    m.funcs.get_mut(f).kind = FunctionKind::Local(b.local_func(args));
}
