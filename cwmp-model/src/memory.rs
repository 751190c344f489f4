//! An in-memory reference backend: a tree of nodes and their value text in
//! caller-provided storage (no heap, no alloc).
//!
//! The caller hands in three slices: node slots, a byte arena for segment
//! names and values, and an undo journal for batches. A firmware passes
//! `static` arrays; a test can pass `vec![..]` buffers. Values are rewritten
//! in place when they fit their slot's capacity; otherwise they move to the
//! end of the arena and the old bytes become garbage, reclaimed by
//! [`MemoryModel::compact`] (run automatically when the arena is full outside
//! a batch; quadratic in the node count, so size the arena with headroom).
//!
//! Inside a batch every `set` keeps the old bytes and records them in the
//! journal, so [`DataModel::abort`] restores the exact previous values.
//!
//! `add_instance` copies the shape of the table's first existing instance
//! (parameters get type defaults, nested tables start empty), sets a child
//! `Alias` to `cpe-<n>` as TR-181 asks, never reuses an instance number, and
//! keeps a sibling `<Table>NumberOfEntries` parameter up to date.
//!
//! ```
//! use cwmp_core::ParamType;
//! use cwmp_model::datamodel::{DataModel, NodeKind};
//! use cwmp_model::memory::{MemoryModel, Slot, Undo};
//! use cwmp_model::path::Path;
//!
//! let (mut slots, mut arena, mut journal) = ([Slot::EMPTY; 16], [0u8; 512], [Undo::EMPTY; 4]);
//! let mut m = MemoryModel::new(&mut slots, &mut arena, &mut journal);
//! m.insert("Device.DeviceInfo.UpTime", NodeKind::Parameter, false, ParamType::UnsignedInt, "42").unwrap();
//! let node = m.lookup(&Path::parse("Device.DeviceInfo.UpTime").unwrap()).unwrap();
//! let mut buf = [0u8; 16];
//! let n = m.get(node, &mut buf).unwrap();
//! assert_eq!(&buf[..n], b"42");
//! ```

use cwmp_core::{Decimal, ParamType};

use crate::datamodel::{Applied, BackendError, DataModel, NameBuf, NodeInfo, NodeKind};
use crate::path::{MAX_DEPTH, MAX_PATH_LEN, Segment, parse_instance};

const NONE: u32 = u32::MAX;

const FREE: u8 = 0;
const OBJECT: u8 = 1;
const PARAM: u8 = 2;

/// One node's storage. Opaque; create arrays of [`Slot::EMPTY`].
#[derive(Debug, Clone, Copy)]
pub struct Slot {
    /// Arena offset of the segment name, immediately followed by the value.
    off: u32,
    seg_len: u16,
    val_len: u32,
    val_cap: u32,
    parent: u32,
    first: u32,
    last: u32,
    next: u32,
    /// Tables: the next instance number to hand out.
    next_instance: u32,
    kind: u8,
    writable: bool,
    ty: ParamType,
}

impl Slot {
    /// An unused slot.
    pub const EMPTY: Slot = Slot {
        off: 0,
        seg_len: 0,
        val_len: 0,
        val_cap: 0,
        parent: NONE,
        first: NONE,
        last: NONE,
        next: NONE,
        next_instance: 1,
        kind: FREE,
        writable: false,
        ty: ParamType::String,
    };
}

/// One undo record of a batch. Opaque; create arrays of [`Undo::EMPTY`].
#[derive(Debug, Clone, Copy)]
pub struct Undo {
    slot: u32,
    off: u32,
    val_len: u32,
    val_cap: u32,
}

impl Undo {
    /// An unused record.
    pub const EMPTY: Undo = Undo { slot: NONE, off: 0, val_len: 0, val_cap: 0 };
}

/// A node handle of [`MemoryModel`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct MemoryNode(u32);

/// The in-memory reference backend. See the [module docs](self).
#[derive(Debug)]
pub struct MemoryModel<'s> {
    slots: &'s mut [Slot],
    arena: &'s mut [u8],
    journal: &'s mut [Undo],
    /// Slots ever used (high-water mark).
    used: u32,
    /// Head of the free-slot list (linked through `next`).
    free: u32,
    live: u32,
    arena_len: usize,
    garbage: usize,
    journal_len: usize,
    in_batch: bool,
    root: u32,
    reboot_required: bool,
}

/// The default text of a value of `ty`, used for new instances.
pub const fn default_value(ty: ParamType) -> &'static str {
    match ty {
        ParamType::String | ParamType::Base64 | ParamType::HexBinary => "",
        ParamType::Boolean => "false",
        ParamType::DateTime => "0001-01-01T00:00:00Z",
        _ => "0",
    }
}

impl<'s> MemoryModel<'s> {
    /// A model over caller storage: `slots` bounds the node count, `arena`
    /// the bytes of names and values, `journal` the `set` calls per batch.
    pub fn new(slots: &'s mut [Slot], arena: &'s mut [u8], journal: &'s mut [Undo]) -> Self {
        MemoryModel {
            slots,
            arena,
            journal,
            used: 0,
            free: NONE,
            live: 0,
            arena_len: 0,
            garbage: 0,
            journal_len: 0,
            in_batch: false,
            root: NONE,
            reboot_required: false,
        }
    }

    /// Live nodes (objects and parameters).
    pub fn len(&self) -> usize {
        self.live as usize
    }

    /// Whether the model has no node.
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Arena bytes in use, garbage included.
    pub fn arena_used(&self) -> usize {
        self.arena_len
    }

    /// Makes subsequent commits, adds and deletes report
    /// [`Applied::AfterReboot`] (to test the Status 1 path).
    pub fn set_reboot_required(&mut self, yes: bool) {
        self.reboot_required = yes;
    }

    fn applied(&self) -> Applied {
        if self.reboot_required { Applied::AfterReboot } else { Applied::Now }
    }

    #[inline]
    fn slot(&self, i: u32) -> Option<&Slot> {
        self.slots.get(i as usize).filter(|s| s.kind != FREE)
    }

    fn slot_mut(&mut self, i: u32) -> Option<&mut Slot> {
        self.slots.get_mut(i as usize).filter(|s| s.kind != FREE)
    }

    #[inline]
    fn segment(&self, s: &Slot) -> &str {
        let start = s.off as usize;
        let bytes = self.arena.get(start..start + usize::from(s.seg_len)).unwrap_or(&[]);
        core::str::from_utf8(bytes).unwrap_or("")
    }

    #[inline]
    fn value(&self, s: &Slot) -> &[u8] {
        let start = s.off as usize + usize::from(s.seg_len);
        self.arena.get(start..start + s.val_len as usize).unwrap_or(&[])
    }

    /// Reserves `len` arena bytes, compacting first if needed and allowed.
    fn reserve(&mut self, len: usize) -> Result<u32, BackendError> {
        if self.arena.len().saturating_sub(self.arena_len) < len && !self.in_batch && self.garbage > 0 {
            self.compact();
        }
        if self.arena.len().saturating_sub(self.arena_len) < len {
            return Err(BackendError::ResourcesExceeded);
        }
        let off = u32::try_from(self.arena_len).map_err(|_| BackendError::ResourcesExceeded)?;
        self.arena_len += len;
        Ok(off)
    }

    /// Moves every live slot's bytes to the front of the arena, dropping
    /// garbage. Refuses (does nothing) inside a batch. Quadratic in the slot
    /// count: it picks the lowest remaining range each round, with no scratch
    /// memory.
    pub fn compact(&mut self) {
        if self.in_batch {
            return;
        }
        let mut cursor = 0usize;
        let mut floor = 0usize;
        loop {
            let mut best: Option<(usize, usize)> = None;
            for (i, s) in self.slots.iter().enumerate().take(self.used as usize) {
                let off = s.off as usize;
                if s.kind != FREE && off >= floor && best.is_none_or(|(_, b)| off < b) {
                    best = Some((i, off));
                }
            }
            let Some((i, off)) = best else { break };
            let Some(s) = self.slots.get_mut(i) else { break };
            let size = usize::from(s.seg_len) + s.val_cap as usize;
            self.arena.copy_within(off..off + size, cursor);
            s.off = cursor as u32;
            cursor += size;
            floor = off + size.max(1);
        }
        self.arena_len = cursor;
        self.garbage = 0;
    }

    fn new_slot(
        &mut self,
        parent: u32,
        seg: &str,
        kind: u8,
        writable: bool,
        ty: ParamType,
        value: &str,
    ) -> Result<u32, BackendError> {
        let seg_len = u16::try_from(seg.len()).map_err(|_| BackendError::ResourcesExceeded)?;
        let idx = if self.free != NONE {
            self.free
        } else if (self.used as usize) < self.slots.len() {
            self.used
        } else {
            return Err(BackendError::ResourcesExceeded);
        };
        let cap = u32::try_from(value.len()).map_err(|_| BackendError::ResourcesExceeded)?;
        let off = self.reserve(seg.len() + value.len())?;
        let start = off as usize;
        self.arena[start..start + seg.len()].copy_from_slice(seg.as_bytes());
        self.arena[start + seg.len()..start + seg.len() + value.len()].copy_from_slice(value.as_bytes());
        if idx == self.free {
            self.free = self.slots[idx as usize].next;
        } else {
            self.used += 1;
        }
        self.slots[idx as usize] = Slot {
            off,
            seg_len,
            val_len: cap,
            val_cap: cap,
            parent,
            first: NONE,
            last: NONE,
            next: NONE,
            next_instance: 1,
            kind,
            writable,
            ty,
        };
        if parent != NONE {
            let last = self.slots[parent as usize].last;
            if last == NONE {
                self.slots[parent as usize].first = idx;
            } else {
                self.slots[last as usize].next = idx;
            }
            self.slots[parent as usize].last = idx;
        }
        self.live += 1;
        Ok(idx)
    }

    fn find_child(&self, parent: u32, seg: &str) -> Option<u32> {
        let mut c = self.slot(parent)?.first;
        while let Some(s) = self.slot(c) {
            if self.segment(s) == seg {
                return Some(c);
            }
            c = s.next;
        }
        None
    }

    /// Inserts (or updates) the node `name` (objects with or without the
    /// trailing `.`), creating missing ancestors as read-only objects. There
    /// is one root; a name under another root fails with `NoSuchName`.
    pub fn insert(
        &mut self,
        name: &str,
        kind: NodeKind,
        writable: bool,
        ty: ParamType,
        value: &str,
    ) -> Result<MemoryNode, BackendError> {
        let name = name.strip_suffix('.').unwrap_or(name);
        let mut segs = name.split('.');
        let root_seg = segs.next().filter(|s| !s.is_empty()).ok_or(BackendError::NoSuchName)?;
        let mut cur = match self.slot(self.root) {
            Some(r) if self.segment(r) == root_seg => self.root,
            Some(_) => return Err(BackendError::NoSuchName),
            None => {
                let r = self.new_slot(NONE, root_seg, OBJECT, false, ParamType::String, "")?;
                self.root = r;
                r
            }
        };
        for seg in segs {
            if seg.is_empty() {
                return Err(BackendError::NoSuchName);
            }
            if self.slot(cur).is_some_and(|s| s.kind != OBJECT) {
                return Err(BackendError::NoSuchName);
            }
            cur = match self.find_child(cur, seg) {
                Some(c) => c,
                None => self.new_slot(cur, seg, OBJECT, false, ParamType::String, "")?,
            };
        }
        let is_param = kind == NodeKind::Parameter;
        if is_param && self.slot(cur).is_some_and(|s| s.first != NONE) {
            return Err(BackendError::NoSuchName);
        }
        if let Some(s) = self.slot_mut(cur) {
            s.kind = if is_param { PARAM } else { OBJECT };
            s.writable = writable;
            s.ty = ty;
        }
        if is_param {
            self.store_value(cur, value)?;
        }
        if let Some(n) = segment_instance(name) {
            let parent = self.slot(cur).map_or(NONE, |s| s.parent);
            if let Some(p) = self.slot_mut(parent) {
                p.next_instance = p.next_instance.max(n.saturating_add(1));
            }
        }
        Ok(MemoryNode(cur))
    }

    fn store_value(&mut self, idx: u32, value: &str) -> Result<(), BackendError> {
        let len = u32::try_from(value.len()).map_err(|_| BackendError::ResourcesExceeded)?;
        let s = *self.slot(idx).ok_or(BackendError::NoSuchName)?;
        if !self.in_batch && len <= s.val_cap {
            let start = s.off as usize + usize::from(s.seg_len);
            self.arena[start..start + value.len()].copy_from_slice(value.as_bytes());
            self.slots[idx as usize].val_len = len;
            return Ok(());
        }
        if self.in_batch && self.journal_len >= self.journal.len() {
            return Err(BackendError::ResourcesExceeded);
        }
        let seg_len = usize::from(s.seg_len);
        let off = self.reserve(seg_len + value.len())?;
        // `reserve` may have compacted: re-read the slot.
        let s = *self.slot(idx).ok_or(BackendError::NoSuchName)?;
        let (old, new) = (s.off as usize, off as usize);
        self.arena.copy_within(old..old + seg_len, new);
        self.arena[new + seg_len..new + seg_len + value.len()].copy_from_slice(value.as_bytes());
        if self.in_batch {
            self.journal[self.journal_len] = Undo { slot: idx, off: s.off, val_len: s.val_len, val_cap: s.val_cap };
            self.journal_len += 1;
        } else {
            self.garbage += seg_len + s.val_cap as usize;
        }
        let slot = &mut self.slots[idx as usize];
        slot.off = off;
        slot.val_len = len;
        slot.val_cap = len;
        Ok(())
    }

    fn unlink(&mut self, idx: u32) {
        let Some(&s) = self.slot(idx) else { return };
        let parent = s.parent;
        let Some(&p) = self.slot(parent) else { return };
        let mut prev = NONE;
        let mut c = p.first;
        while c != NONE && c != idx {
            prev = c;
            c = self.slots.get(c as usize).map_or(NONE, |x| x.next);
        }
        if c != idx {
            return;
        }
        if prev == NONE {
            self.slots[parent as usize].first = s.next;
        } else {
            self.slots[prev as usize].next = s.next;
        }
        if p.last == idx {
            self.slots[parent as usize].last = prev;
        }
    }

    fn release(&mut self, idx: u32) {
        let s = &mut self.slots[idx as usize];
        self.garbage += usize::from(s.seg_len) + s.val_cap as usize;
        *s = Slot { next: self.free, ..Slot::EMPTY };
        self.free = idx;
        self.live = self.live.saturating_sub(1);
    }

    /// Frees `top` and its subtree (already unlinked), post-order, iteratively.
    fn free_subtree(&mut self, top: u32) {
        let mut cur = top;
        'descend: loop {
            while let Some(f) = self.slot(cur).map(|s| s.first).filter(|&f| f != NONE) {
                cur = f;
            }
            loop {
                let Some(&s) = self.slot(cur) else { return };
                self.release(cur);
                if cur == top {
                    return;
                }
                if s.next != NONE {
                    cur = s.next;
                    continue 'descend;
                }
                cur = s.parent;
                if let Some(p) = self.slot_mut(cur) {
                    p.first = NONE;
                    p.last = NONE;
                }
            }
        }
    }

    /// Copies the shape of instance `src` below the new instance `dst`.
    fn clone_shape(&mut self, src: u32, dst: u32) -> Result<(), BackendError> {
        let mut s = self.slot(src).map_or(NONE, |x| x.first);
        let mut d_parent = dst;
        while s != NONE {
            let sl = *self.slot(s).ok_or(BackendError::Internal)?;
            let mut descend = false;
            if parse_instance(self.segment(&sl)).is_none() {
                let mut seg_buf = [0u8; 256];
                let seg = self.segment(&sl);
                let n = seg.len().min(seg_buf.len());
                seg_buf[..n].copy_from_slice(&seg.as_bytes()[..n]);
                let seg = core::str::from_utf8(&seg_buf[..n]).map_err(|_| BackendError::Internal)?;
                let value = if sl.kind == PARAM { default_value(sl.ty) } else { "" };
                let d = self.new_slot(d_parent, seg, sl.kind, sl.writable, sl.ty, value)?;
                if sl.kind == OBJECT && sl.first != NONE {
                    d_parent = d;
                    descend = true;
                }
            }
            if descend {
                s = sl.first;
                continue;
            }
            // Advance: next sibling, or climb until one exists.
            let mut cur = sl;
            loop {
                if cur.next != NONE {
                    s = cur.next;
                    break;
                }
                if cur.parent == src || cur.parent == NONE {
                    s = NONE;
                    break;
                }
                cur = *self.slot(cur.parent).ok_or(BackendError::Internal)?;
                d_parent = self.slot(d_parent).map_or(dst, |x| x.parent);
            }
        }
        Ok(())
    }

    /// Updates `<Table>NumberOfEntries` beside `table`, if present.
    fn update_entry_count(&mut self, table: u32) {
        let Some(&t) = self.slot(table) else { return };
        let mut count = 0u32;
        let mut c = t.first;
        while let Some(s) = self.slot(c) {
            count += 1;
            c = s.next;
        }
        let mut name: heapless::String<128> = heapless::String::new();
        if name.push_str(self.segment(&t)).is_err() || name.push_str("NumberOfEntries").is_err() {
            return;
        }
        if let Some(p) = self.find_child(t.parent, &name) {
            let was = self.in_batch;
            self.in_batch = false;
            let _ = self.store_value(p, Decimal::new(count.into()).as_str());
            self.in_batch = was;
        }
    }
}

/// The instance number of the last segment of `name`, if it is one.
fn segment_instance(name: &str) -> Option<u32> {
    parse_instance(name.rsplit('.').next()?)
}

impl DataModel for MemoryModel<'_> {
    type Node = MemoryNode;

    fn root(&self) -> Option<MemoryNode> {
        self.slot(self.root).map(|_| MemoryNode(self.root))
    }

    fn child(&self, parent: MemoryNode, segment: Segment<'_>) -> Option<MemoryNode> {
        match segment {
            Segment::Name(n) => self.find_child(parent.0, n).map(MemoryNode),
            Segment::Instance(i) => self.find_child(parent.0, Decimal::new(i.into()).as_str()).map(MemoryNode),
            Segment::Alias(a) => {
                let mut c = self.slot(parent.0)?.first;
                while let Some(s) = self.slot(c) {
                    if let Some(al) = self.find_child(c, "Alias").and_then(|x| self.slot(x))
                        && self.value(al) == a.as_bytes()
                    {
                        return Some(MemoryNode(c));
                    }
                    c = s.next;
                }
                None
            }
        }
    }

    #[inline]
    fn first_child(&self, node: MemoryNode) -> Option<MemoryNode> {
        let f = self.slot(node.0)?.first;
        self.slot(f).map(|_| MemoryNode(f))
    }

    #[inline]
    fn next_sibling(&self, node: MemoryNode) -> Option<MemoryNode> {
        let n = self.slot(node.0)?.next;
        self.slot(n).map(|_| MemoryNode(n))
    }

    #[inline]
    fn info(&self, node: MemoryNode) -> NodeInfo {
        match self.slot(node.0) {
            Some(s) => NodeInfo {
                kind: if s.kind == PARAM { NodeKind::Parameter } else { NodeKind::Object },
                writable: s.writable,
                ty: s.ty,
            },
            None => NodeInfo { kind: NodeKind::Object, writable: false, ty: ParamType::String },
        }
    }

    fn write_name(&self, node: MemoryNode, out: &mut NameBuf) -> Result<(), BackendError> {
        // Two walks up the parent links: the first sums the length, the
        // second fills a byte buffer from the end; one UTF-8 check at the end.
        let leaf = self.slot(node.0).ok_or(BackendError::NoSuchName)?;
        let mut len = usize::from(leaf.kind == OBJECT);
        let (mut cur, mut depth) = (node.0, 0usize);
        while let Some(s) = self.slot(cur) {
            len = len.saturating_add(usize::from(s.seg_len)).saturating_add(1);
            depth += 1;
            if depth > MAX_DEPTH {
                return Err(BackendError::ResourcesExceeded);
            }
            cur = s.parent;
        }
        // `len` counted one dot per segment; the root has none before it.
        let len = len.saturating_sub(1);
        let mut buf = [0u8; MAX_PATH_LEN];
        let mut end = len;
        let full = buf.get_mut(..len).ok_or(BackendError::ResourcesExceeded)?;
        if leaf.kind == OBJECT {
            end = end.checked_sub(1).ok_or(BackendError::Internal)?;
            *full.get_mut(end).ok_or(BackendError::Internal)? = b'.';
        }
        let mut cur = node.0;
        while let Some(s) = self.slot(cur) {
            let off = s.off as usize;
            let seg = self.arena.get(off..off.saturating_add(usize::from(s.seg_len))).unwrap_or(&[]);
            let start = end.checked_sub(seg.len()).ok_or(BackendError::Internal)?;
            full.get_mut(start..end).ok_or(BackendError::Internal)?.copy_from_slice(seg);
            cur = s.parent;
            if self.slot(cur).is_some() {
                end = start.checked_sub(1).ok_or(BackendError::Internal)?;
                *full.get_mut(end).ok_or(BackendError::Internal)? = b'.';
            }
        }
        let text = core::str::from_utf8(full).map_err(|_| BackendError::Internal)?;
        out.clear();
        out.push_str(text).map_err(|_| BackendError::ResourcesExceeded)
    }

    #[inline]
    fn push_segment(&self, node: MemoryNode, out: &mut NameBuf) -> Result<(), BackendError> {
        let s = self.slot(node.0).ok_or(BackendError::NoSuchName)?;
        out.push_str(self.segment(s)).map_err(|_| BackendError::ResourcesExceeded)
    }

    #[inline]
    fn get(&self, node: MemoryNode, out: &mut [u8]) -> Result<usize, BackendError> {
        let s = self.slot(node.0).filter(|s| s.kind == PARAM).ok_or(BackendError::NoSuchName)?;
        let v = self.value(s);
        out.get_mut(..v.len()).ok_or(BackendError::ResourcesExceeded)?.copy_from_slice(v);
        Ok(v.len())
    }

    fn set(&mut self, node: MemoryNode, value: &str) -> Result<(), BackendError> {
        // Writability is reported by `info` and enforced by the engine, which
        // also writes the read-only ParameterKey: no second check here.
        self.slot(node.0).filter(|s| s.kind == PARAM).ok_or(BackendError::NoSuchName)?;
        self.store_value(node.0, value)
    }

    fn add_instance(&mut self, table: MemoryNode) -> Result<(u32, Applied), BackendError> {
        let t = *self.slot(table.0).filter(|s| s.kind == OBJECT).ok_or(BackendError::NoSuchName)?;
        if !t.writable {
            return Err(BackendError::NotWritable);
        }
        let mut highest = 0u32;
        let mut template = NONE;
        let mut c = t.first;
        while let Some(s) = self.slot(c) {
            let n = parse_instance(self.segment(s)).ok_or(BackendError::NoSuchName)?;
            if template == NONE {
                template = c;
            }
            highest = highest.max(n);
            c = s.next;
        }
        let n = t.next_instance.max(highest.saturating_add(1));
        if n == u32::MAX {
            return Err(BackendError::ResourcesExceeded);
        }
        let inst = self.new_slot(table.0, Decimal::new(n.into()).as_str(), OBJECT, true, ParamType::String, "")?;
        if template != NONE
            && let Err(e) = self.clone_shape(template, inst)
        {
            self.unlink(inst);
            self.free_subtree(inst);
            return Err(e);
        }
        if let Some(alias) = self.find_child(inst, "Alias") {
            let mut text: heapless::String<16> = heapless::String::new();
            let _ = text.push_str("cpe-");
            let _ = text.push_str(Decimal::new(n.into()).as_str());
            let _ = self.store_value(alias, &text);
        }
        self.slots[table.0 as usize].next_instance = n + 1;
        self.update_entry_count(table.0);
        Ok((n, self.applied()))
    }

    fn delete_instance(&mut self, instance: MemoryNode) -> Result<Applied, BackendError> {
        let s = *self.slot(instance.0).filter(|s| s.kind == OBJECT).ok_or(BackendError::NoSuchName)?;
        if parse_instance(self.segment(&s)).is_none() {
            return Err(BackendError::NoSuchName);
        }
        if !s.writable {
            return Err(BackendError::NotWritable);
        }
        self.unlink(instance.0);
        self.free_subtree(instance.0);
        self.update_entry_count(s.parent);
        Ok(self.applied())
    }

    fn begin(&mut self) -> Result<(), BackendError> {
        if self.in_batch {
            return Err(BackendError::Internal);
        }
        // Reclaim garbage while no journal pins old bytes.
        if self.garbage > 0 && self.arena.len().saturating_sub(self.arena_len) < self.arena.len() / 2 {
            self.compact();
        }
        self.in_batch = true;
        self.journal_len = 0;
        Ok(())
    }

    fn commit(&mut self) -> Result<Applied, BackendError> {
        for u in &self.journal[..self.journal_len] {
            if let Some(s) = self.slots.get(u.slot as usize) {
                self.garbage += usize::from(s.seg_len) + u.val_cap as usize;
            }
        }
        self.journal_len = 0;
        self.in_batch = false;
        Ok(self.applied())
    }

    fn abort(&mut self) {
        while self.journal_len > 0 {
            self.journal_len -= 1;
            let u = self.journal[self.journal_len];
            if let Some(s) = self.slots.get_mut(u.slot as usize) {
                self.garbage += usize::from(s.seg_len) + s.val_cap as usize;
                s.off = u.off;
                s.val_len = u.val_len;
                s.val_cap = u.val_cap;
            }
        }
        self.in_batch = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path::Path;
    use std::vec;

    fn name_of(m: &MemoryModel<'_>, n: MemoryNode) -> NameBuf {
        let mut b = NameBuf::new();
        m.write_name(n, &mut b).unwrap();
        b
    }

    fn get_str(m: &MemoryModel<'_>, path: &str) -> std::string::String {
        let n = m.lookup(&Path::parse(path).unwrap()).unwrap();
        let mut buf = [0u8; 64];
        let len = m.get(n, &mut buf).unwrap();
        std::string::String::from_utf8(buf[..len].to_vec()).unwrap()
    }

    #[test]
    fn tree_add_delete_batch() {
        let (mut slots, mut arena, mut journal) = (vec![Slot::EMPTY; 64], vec![0u8; 600], vec![Undo::EMPTY; 4]);
        let mut m = MemoryModel::new(&mut slots, &mut arena, &mut journal);
        let t = ParamType::String;
        m.insert("Device.IP.InterfaceNumberOfEntries", NodeKind::Parameter, false, ParamType::UnsignedInt, "1")
            .unwrap();
        m.insert("Device.IP.Interface", NodeKind::Object, true, t, "").unwrap();
        m.insert("Device.IP.Interface.4", NodeKind::Object, true, t, "").unwrap();
        m.insert("Device.IP.Interface.4.Alias", NodeKind::Parameter, true, t, "wan").unwrap();
        m.insert("Device.IP.Interface.4.Enable", NodeKind::Parameter, true, ParamType::Boolean, "true").unwrap();
        m.insert("Device.IP.Interface.4.IPv4Address.1.IPAddress", NodeKind::Parameter, true, t, "10.0.0.1").unwrap();
        assert_eq!(m.insert("Other.X", NodeKind::Parameter, true, t, ""), Err(BackendError::NoSuchName));

        let by_alias = m.lookup(&Path::parse("Device.IP.Interface.[wan].Enable").unwrap()).unwrap();
        assert_eq!(name_of(&m, by_alias).as_str(), "Device.IP.Interface.4.Enable");

        let table = m.lookup(&Path::parse("Device.IP.Interface.").unwrap()).unwrap();
        let (n, applied) = m.add_instance(table).unwrap();
        assert_eq!((n, applied), (5, Applied::Now));
        assert_eq!(get_str(&m, "Device.IP.Interface.5.Alias"), "cpe-5");
        assert_eq!(get_str(&m, "Device.IP.Interface.5.Enable"), "false");
        assert_eq!(get_str(&m, "Device.IP.InterfaceNumberOfEntries"), "2");
        // Nested tables start empty.
        let sub = m.lookup(&Path::parse("Device.IP.Interface.5.IPv4Address.").unwrap()).unwrap();
        assert_eq!(m.first_child(sub), None);

        let i4 = m.lookup(&Path::parse("Device.IP.Interface.4.").unwrap()).unwrap();
        let before = m.len();
        m.delete_instance(i4).unwrap();
        assert_eq!(m.len(), before - 6, "instance, Alias, Enable, IPv4Address, its instance, IPAddress");
        assert!(m.lookup(&Path::parse("Device.IP.Interface.4.Enable").unwrap()).is_none());
        let table = m.lookup(&Path::parse("Device.IP.Interface.").unwrap()).unwrap();
        assert_eq!(m.add_instance(table).unwrap().0, 6, "instance numbers are not reused");

        let en = m.lookup(&Path::parse("Device.IP.Interface.5.Enable").unwrap()).unwrap();
        m.begin().unwrap();
        m.set(en, "true").unwrap();
        assert_eq!(get_str(&m, "Device.IP.Interface.5.Enable"), "true");
        m.abort();
        assert_eq!(get_str(&m, "Device.IP.Interface.5.Enable"), "false");

        // Fill the arena with garbage; compaction reclaims it.
        for i in 0..200 {
            let v = std::format!("{:0>40}", i);
            m.begin().unwrap();
            m.set(en, &v).unwrap();
            m.commit().unwrap();
            assert_eq!(get_str(&m, "Device.IP.Interface.5.Enable"), v);
        }
        assert_eq!(get_str(&m, "Device.IP.Interface.6.Alias"), "cpe-6");
    }
}
