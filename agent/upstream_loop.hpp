#pragma once

// One libcurl multi handle for the upstream transfers of the whole process,
// driven by one thread. Transfers that run at once then share connections
// the way the go command's do: an HTTPS upstream that offers HTTP/2 carries
// them all on one connection (each on its own stream), where separate
// curl_easy_perform calls would each need a connection of their own.
// Callers still block, each in run_on_loop, until their transfer ends; the
// transfer's callbacks run on the loop's thread, so they must not block (a
// sink writes a file). A request made from a callback runs on its own.
// The loop ends when libcurl is unloaded (curl_api.hpp), closing its idle
// connections; the next transfer starts another.

#include <curl/curl.h>

namespace gpx::agent {

// Runs easy (configured, not yet started) to its end and returns its result.
// Inside a CurlUse. Any thread; from the loop's own (a callback), easy runs
// outside the loop.
CURLcode run_on_loop(CURL* easy);

// Whether the calling thread is the loop's (its callbacks run there).
bool on_upstream_loop();

} // namespace gpx::agent
