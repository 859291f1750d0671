#pragma once

// A bare mirror of a remote git repository under the cache's git/ dir,
// through libgit2: fetched incrementally (only what is new crosses the
// network), then asked for refs, revisions, commit times, ancestry and
// files without the network. Not thread-safe: one user at a time (the
// caller holds a lock per mirror).

#include <agent/git_credentials.hpp>
#include <gomod/code_repo.hpp>
#include <gomod/result.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gpx::agent {

class GitMirror : public gomod::CodeHost
{
public:
  // Opens the mirror at dir, creating a bare repository if needed. url is
  // the remote to fetch (the user's url.insteadOf rules apply), origin the
  // name the go command gives the repository ("" for url itself).
  static Result<GitMirror> open(const std::filesystem::path& dir,
                                const std::string& url,
                                const std::string& origin = "");

  GitMirror(GitMirror&&) noexcept;
  GitMirror& operator=(GitMirror&&) noexcept;
  ~GitMirror();

  // The name the go command gives the repository (Origin.URL), without
  // credentials.
  const std::string& origin() const;
  // CodeHost's name for origin().
  const std::string& url() const override;
  // The remote as configured, credentials included: only for fetching.
  const std::string& fetch_url() const;

  // Fetches every branch and tag (moved tags move, deleted ones go) and
  // records the remote's default branch as HEAD. An authentication failure
  // says which remote and what was tried.
  Status fetch(const GitAuth& auth);

  // Connects to the remote and lists its refs, writing nothing: whether
  // it answers with these credentials.
  Status probe(const GitAuth& auth) const;

  // "HEAD", "refs/heads/…", "refs/tags/…" → commit hash (tags peeled), as
  // `git ls-remote` would list them after the last fetch.
  std::map<std::string, std::string> refs() const override;
  std::vector<std::string> tags() const;
  // The full commit hash of a tag, branch, full or abbreviated hash.
  Result<std::string> resolve(const std::string& rev) const;
  // Commit time of a revision, seconds since the epoch (UTC).
  Result<std::int64_t> commit_time(const std::string& rev) const;
  // A commit with the tags pointing at it. Like the go command, an
  // all-hex name shorter than 7 digits is not taken as a hash.
  Result<gomod::CodeRev> stat(const std::string& rev) const override;
  // Whether ancestor is reachable from rev (a commit is its own ancestor).
  Result<bool> is_ancestor(const std::string& ancestor,
                           const std::string& rev) const override;
  // A file's raw content at a revision (`git cat-file blob`); nullopt when
  // the revision has no such file; an error beyond max_size bytes.
  Result<std::optional<std::string>>
  read_file(const std::string& rev,
            const std::string& path,
            std::size_t max_size) const override;
  // The files below dir ("" for the root) at a revision, as `git archive`
  // lists them, sized as it would write them; nullopt when dir does not
  // exist there.
  Result<std::optional<std::vector<gomod::CodeFile>>>
  list_files(const std::string& rev, const std::string& dir) const override;
  // A blob as `git archive` writes it at commit rev: the to-worktree
  // filters the commit's .gitattributes ask for (eol, ident) applied, with
  // core.autocrlf=input and core.eol=lf as the go command sets them.
  Result<std::unique_ptr<gomod::zip::Reader>>
  open_archive_blob(const std::string& rev,
                    const std::string& path,
                    const std::string& blob) const override;

private:
  struct Impl;
  explicit GitMirror(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

} // namespace gpx::agent
