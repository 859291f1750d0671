#pragma once

// How the agent's heap gives memory back. A miss on a large zip allocates
// tens of megabytes for a few seconds (the zip checks, a name per file), then
// frees it; the agent should then look as it did before the miss.

namespace gpx::agent {

// Call once at start, before any thread: one malloc arena for the whole
// process, and large blocks mapped on their own. glibc gives each thread
// an arena of its own; memory freed in a download thread's arena stayed
// resident after malloc_trim (a 135,561-file zip left the agent 6.5 MB
// above its idle size; with one arena it returns within 0.5 MB). The agent
// mostly copies files to sockets, so the lock that one arena adds is not
// what bounds its speed.
void tune_heap();

// Returns freed heap to the system (glibc's malloc_trim); after a transfer.
void give_back_heap();

} // namespace gpx::agent
