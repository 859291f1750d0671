#pragma once

// A module served straight from its version-control repository, as the go
// command's direct mode does it (modfetch/coderepo.go over codehost): the
// version list from tags, a query (tag, branch, commit prefix, "latest")
// resolved to a canonical or pseudo-version, the go.mod of a version (or the
// synthesized one), and the module zip from the repository's tree. The
// repository is reached through CodeHost, so these rules know nothing of
// git or of the network.

#include <gomod/result.hpp>
#include <gomod/zip.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gpx::gomod {

// A commit as codehost.RevInfo sees it.
struct CodeRev
{
  std::string hash;              // full hex
  std::int64_t time = 0;         // committer time, seconds since the epoch
  std::vector<std::string> tags; // tags pointing at it, sorted
};

// One file of a tree as `git archive` lists it (directories left out).
struct CodeFile
{
  std::string path; // slash-separated, relative to the listed directory
  zip::FileType type = zip::FileType::regular;
  std::uint64_t size = 0; // as the archive would hold it (filters applied)
  std::string id;         // the host's name for the content (a blob hash)
};

// What a repository must answer. Every call works on what the host already
// has; refreshing it from its remote is the caller's business.
class CodeHost
{
public:
  virtual ~CodeHost() = default;
  // The remote as the go command names it in Origin.URL.
  virtual const std::string& url() const = 0;
  // "HEAD", "refs/heads/…", "refs/tags/…" → commit hash, as ls-remote lists
  // them.
  virtual std::map<std::string, std::string> refs() const = 0;
  // A tag, branch, "HEAD" or commit hash (prefix); Error::Code::not_found
  // when the repository has no such revision.
  virtual Result<CodeRev> stat(const std::string& rev) const = 0;
  // Raw content of a file at a commit; nullopt when there is none.
  virtual Result<std::optional<std::string>>
  read_file(const std::string& hash,
            const std::string& path,
            std::size_t max_size) const = 0;
  virtual Result<bool> is_ancestor(const std::string& ancestor,
                                   const std::string& hash) const = 0;
  // Files below dir ("" the root) at a commit; nullopt when dir is absent.
  virtual Result<std::optional<std::vector<CodeFile>>>
  list_files(const std::string& hash, const std::string& dir) const = 0;
  // A file's content as `git archive` writes it (attributes applied),
  // read in pieces so that a large file is never copied whole.
  virtual Result<std::unique_ptr<zip::Reader>>
  open_archive_blob(const std::string& hash,
                    const std::string& path,
                    const std::string& id) const = 0;
};

// codehost.Origin: where a version came from, so a client can tell later
// whether its answer still holds. Empty fields are left out of the JSON.
struct CodeOrigin
{
  std::string vcs;
  std::string url;
  std::string subdir;
  std::string hash;
  std::string tag_prefix;
  std::string tag_sum;
  std::string ref;
  std::string repo_sum;
};

// What a .info answer says.
struct CodeInfo
{
  std::string version;
  std::int64_t time = 0;
  CodeOrigin origin;
};

// The .info JSON as the go command writes it: Version, Time (RFC 3339,
// UTC), Origin.
std::string info_json(const CodeInfo& info);

class CodeRepo
{
public:
  // module_path "corp.example/lib/sub/v2", code_root the path of the
  // repository root ("corp.example/lib"), subdir the fourth field of a
  // go-import tag. Fails when the module cannot live in that repository.
  static Result<CodeRepo> make(const CodeHost& host,
                               std::string module_path,
                               std::string code_root,
                               std::string_view subdir = "");

  const std::string&
  module_path() const
  {
    return m_mod_path;
  }
  const std::string&
  code_dir() const
  {
    return m_code_dir;
  }

  // The @v/list answer: tagged versions, sorted.
  Result<std::vector<std::string>> versions() const;
  // A version or query ("v1.2.3", "main", "abc1234", a pseudo-version,
  // "latest") → what the go command would call it.
  Result<CodeInfo> stat(const std::string& rev) const;
  // The default branch's head (@latest).
  Result<CodeInfo> latest() const;
  // The go.mod of a canonical version, or "module PATH\n" when it has none.
  Result<std::string> go_mod(const std::string& version) const;
  // Writes the module zip of a canonical version to out (atomically).
  Status zip(const std::string& version,
             const std::filesystem::path& out) const;

private:
  CodeRepo(const CodeHost& host)
    : m_host(&host)
  {
  }

  struct Found
  {
    std::string rev; // commit hash
    std::string dir; // module directory in the repository
    std::optional<std::string> go_mod;
  };
  Result<Found> find_dir(const std::string& version) const;
  // find_dir for a canonical version, a pseudo-version checked in full.
  Result<Found> find_canonical(const std::string& version) const;
  // convert_version, plus the Origin tag fields of a pseudo-version.
  Result<CodeInfo> convert(const CodeRev& info,
                           const std::string& version_hint,
                           const std::string& stat_vers) const;
  Result<CodeInfo> convert_version(const CodeRev& info,
                                   const std::string& version_hint,
                                   const std::string& stat_vers) const;
  // The base of a pseudo-version for info: the highest allowed, unretracted
  // tag among its ancestors (git for-each-ref --merged); "" for none.
  Result<std::string> ancestor_tag_base(
    const CodeRev& info,
    const std::string& stat_vers,
    const std::vector<std::pair<std::string, std::string>>& retracted) const;
  Result<CodeInfo> check_canonical(const CodeRev& info,
                                   std::string v,
                                   const std::string& stat_vers) const;
  Status validate_pseudo_version(const CodeRev& info,
                                 const std::string& version) const;
  std::string rev_of(const std::string& version) const;
  bool can_use_incompatible(const CodeRev& info,
                            const std::string& v,
                            const std::string& stat_vers) const;
  // The retractions declared by the latest release's go.mod.
  std::vector<std::pair<std::string, std::string>> retractions() const;
  std::optional<std::string> tag_to_version(const std::string& tag,
                                            bool* canonical) const;
  CodeOrigin origin_of(const CodeRev& info) const;

  const CodeHost* m_host;
  std::string m_mod_path;
  std::string m_code_root;
  std::string m_code_dir;
  std::string m_path_prefix;
  std::string m_path_major;
  std::string m_pseudo_major;
};

} // namespace gpx::gomod
