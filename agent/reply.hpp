#pragma once

// What the agent answers one GOPROXY request with.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace gpx::agent {

class InFlight;

struct Reply
{
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;           // when file is empty
  std::filesystem::path file; // absolute path of a cached artifact to send
  // A download still in progress, sent as it arrives (file and body empty).
  std::shared_ptr<InFlight> stream;
  bool from_cache = false;
  // Answer to a HEAD that was not downloaded (file, body and stream empty):
  // the Content-Length a GET would send, or -1 when unknown.
  std::int64_t length = -1;
};

// A plain-text answer; the body ends in a newline, as the go command prints
// it to the user.
Reply text_reply(int status, std::string body);

} // namespace gpx::agent
