//! What the program holds in memory right now: a counting allocator around the platform's own
//! (dlmalloc in wasm, the system's natively). Every allocation of every thread of this instance
//! passes here, so the difference between two readings is what was made in between (by anyone:
//! measure where little else runs). A process has its own instance, so its own count.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);

// One relaxed add per allocation and per free: nothing a kernel's hot loop does (it allocates
// nothing), and the only way to see what a coroutine, a thread or a process really holds.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            IN_USE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            IN_USE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, layout, new_size) };
        if !q.is_null() {
            IN_USE.fetch_add(new_size, Ordering::Relaxed);
            IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        q
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Bytes allocated and not yet freed in this instance (the page and its worker threads; a
/// process counts its own).
pub fn heap_in_use() -> usize {
    IN_USE.load(Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_is_counted_while_it_lives() {
        // Other tests allocate and free at the same time (one holds up to 48 MB): a block of
        // 128 MB stands out of their noise by more than 64 MB.
        let before = heap_in_use();
        let block = std::hint::black_box(vec![0u8; 128 << 20]);
        let during = heap_in_use();
        drop(block);
        let after = heap_in_use();
        assert!(during >= before + (64 << 20), "{before} -> {during}");
        assert!(during >= after + (64 << 20), "freed: {during} -> {after}");
    }
}
