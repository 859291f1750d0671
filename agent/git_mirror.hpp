#pragma once

// A bare mirror of a remote git repository under the cache's git/ dir,
// through libgit2: fetched incrementally (only what is new crosses the
// network), then asked for tags, revisions, commit times and files without
// the network. The first piece of private modules from git; credentials
// and the agent's routing come next.

#include <gomod/result.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gpx::agent {

class GitMirror
{
public:
  // Opens the mirror at dir, creating a bare repository for url if needed.
  static Result<GitMirror> open(const std::filesystem::path& dir, const std::string& url);

  GitMirror(GitMirror&&) noexcept;
  GitMirror& operator=(GitMirror&&) noexcept;
  ~GitMirror();

  // Fetches every branch and tag (moved tags move, deleted ones go).
  Status fetch();

  std::vector<std::string> tags() const;
  // The full commit hash of a tag, branch, full or abbreviated hash.
  Result<std::string> resolve(const std::string& rev) const;
  // Commit time of a revision, seconds since the epoch (UTC).
  Result<std::int64_t> commit_time(const std::string& rev) const;
  // A file's content at a revision; nullopt when the revision has no such
  // file; an error beyond max_size bytes.
  Result<std::optional<std::string>> read_file(const std::string& rev, const std::string& path, std::size_t max_size) const;

private:
  struct Impl;
  explicit GitMirror(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

} // namespace gpx::agent
