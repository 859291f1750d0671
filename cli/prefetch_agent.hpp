#pragma once

// The agent as gpx prefetch talks to it: one HTTP client per thread, the
// bytes received, and, per module version, whether the agent had all of
// it cached. The agent marks each answer "X-Cache: HIT" (from its cache)
// or "MISS" (fetched upstream for this request): a module version any of
// whose answers missed counts as fetched.

#include <agent/http_client.hpp>
#include <gomod/module.hpp>
#include <gomod/result.hpp>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace gpx::cli {

// "{agent}/{escaped path}/@v/{escaped version}{ext}".
std::string module_url(const std::string& agent_url,
                       const gomod::Version& m,
                       std::string_view ext);

class AgentFiles
{
public:
  explicit AgentFiles(std::string url);

  const std::string&
  url() const
  {
    return m_url;
  }

  // A small file of m (".info", ".mod"): its body on 200, else an error
  // that names it and quotes the agent.
  Result<std::string> get(const gomod::Version& m, std::string_view ext);
  // m's zip written to file; the bytes written.
  Result<std::int64_t> get_zip(const gomod::Version& m,
                               const std::filesystem::path& file);
  // What a HEAD tells of m's zip: its size (-1 when the agent cannot tell
  // or fails) and whether the agent has it cached (a failure says yes:
  // nothing is known to be fetched). Not noted: the zip may not be wanted.
  struct ZipHead
  {
    std::int64_t size = -1;
    bool cached = true;
  };
  ZipHead zip_head(const gomod::Version& m);
  // Any other GET (checksum database, lists); counted in bytes() only.
  Result<agent::HttpResponse> get_url(const std::string& url,
                                      std::uint64_t max_body);

  std::int64_t
  bytes() const
  {
    return m_bytes.load();
  }
  // Whether any answer about m missed the agent's cache.
  bool fetched(const gomod::Version& m) const;
  // Records an answer about m that says nothing itself (a go command
  // fetching through the agent on our behalf).
  void note(const gomod::Version& m, bool from_cache);

private:
  agent::HttpClient& client();
  void note(const gomod::Version& m, const agent::HttpResponse& r);

  std::string m_url;
  std::atomic<std::int64_t> m_bytes{0};
  mutable std::mutex m_mutex;
  std::map<std::string, bool> m_missed; // m.str() → a miss seen
};

} // namespace gpx::cli
