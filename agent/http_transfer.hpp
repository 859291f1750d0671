#pragma once

// One upstream transfer of an HttpClient: what http_client.cpp runs and
// http_ranges.cpp (split downloads) asks it for. Internal to the agent.

#include "http_client.hpp"

#include <curl/curl.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace gpx::agent {

namespace detail {

struct Transfer
{
  const HttpClient::Sink* sink = nullptr; // null: collect into body
  std::string range;                      // "a-b" or "a-": a Range request
  bool head = false;                      // a HEAD: headers only
  std::int64_t skip =
    0; // bytes to drop first (a 200 answer to a Range request)
  std::int64_t stop_at =
    -1; // pass no more than this to the sink, then end the transfer
  std::int64_t passed = 0; // bytes handed to the sink
  bool stopped = false;    // ended at stop_at on purpose
  bool started = false;
  std::function<void(Transfer&)> on_start; // at the first body byte
  std::map<std::string, std::string>
    headers; // of the last answer, names lowercased
  std::uint64_t max_body = 0;
  long status = 0;
  std::string body;
  bool too_large = false;
  Error sink_error;
  bool sink_failed = false;
  bool file_scheme = false; // file:// has no status line; a read is a 200
  bool slot_held = false;   // its transfer slot was taken for it (a part)
  CURL* curl = nullptr;     // while the transfer runs
  long http_version = 0;    // CURL_HTTP_VERSION_*, once it ended
};

} // namespace detail

struct HttpClient::Impl
{
  explicit Impl(HttpClientOptions o);

  HttpClientOptions options;
  std::string netrc;

  Result<HttpResponse> perform(const std::string& url, detail::Transfer& t);
  void configure(CURL* c, const std::string& url, detail::Transfer& t);
};

namespace detail {

// The HTTP version an ended transfer used (CURL_HTTP_VERSION_*).
long http_version(CURL* c);

// Whether an answer came over HTTP/2 or 3. The ranges of a split download
// would all be streams of that one connection (the upstream loop
// multiplexes), sharing its bandwidth: splitting would buy nothing but
// spool files.
bool multiplexed(long http_version);

// Whether an answer's headers promise byte ranges of the bytes themselves
// (never of an encoding of them): what a split download needs.
bool serves_byte_ranges(std::map<std::string, std::string>& headers);

// What a HEAD said of url's answer: its size, where the server serves byte
// ranges of it (http_ranges.cpp splits the GET that follows from its first
// byte).
void remember_size(const std::string& url, std::int64_t size);

} // namespace detail

} // namespace gpx::agent
