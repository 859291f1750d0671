#pragma once

// A repository in memory for code_repo's tests and fuzz target: commits
// with parents and a tree of files each, tags and branches. Header-only,
// no test framework.

#include <gomod/code_repo.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace gpx::test {

// A repository in memory: commits with parents, a tree of files each, refs.
class FakeHost : public gomod::CodeHost
{
public:
  struct Commit
  {
    std::int64_t time = 0;
    std::vector<std::string> parents;
    std::map<std::string, std::pair<gomod::zip::FileType, std::string>> files;
  };

  // A commit on top of parent (or a root commit) with files changed.
  std::string
  commit(const std::string& parent,
         std::int64_t time,
         std::map<std::string, std::string> changes,
         std::map<std::string, std::string> links = {})
  {
    Commit c;
    if (!parent.empty()) {
      c.files = m_commits.at(parent).files;
      c.parents = {parent};
    }
    for (auto& [path, data] : changes) {
      if (data == "<delete>") {
        c.files.erase(path);
      } else {
        c.files[path] = {gomod::zip::FileType::regular, data};
      }
    }
    for (auto& [path, target] : links) {
      c.files[path] = {gomod::zip::FileType::symlink, target};
    }
    // 40 hex digits, distinct per commit from the first digit on.
    std::uint64_t n = (m_commits.size() + 1) * 0x9e3779b97f4a7c15ULL;
    char buf[17];
    std::snprintf(
      buf, sizeof buf, "%016llx", static_cast<unsigned long long>(n));
    std::string hash = (std::string(buf) + buf + buf).substr(0, 40);
    m_commits[hash] = std::move(c);
    m_commits[hash].time = time;
    return hash;
  }
  void
  tag(const std::string& name, const std::string& hash)
  {
    m_refs["refs/tags/" + name] = hash;
  }
  void
  branch(const std::string& name, const std::string& hash)
  {
    m_refs["refs/heads/" + name] = hash;
  }
  void
  head(const std::string& hash)
  {
    m_refs["HEAD"] = hash;
  }

  const std::string&
  url() const override
  {
    return m_url;
  }
  std::map<std::string, std::string>
  refs() const override
  {
    return m_refs;
  }

  Result<gomod::CodeRev>
  stat(const std::string& rev) const override
  {
    std::string hash;
    if (auto it = m_refs.find("refs/tags/" + rev); it != m_refs.end()) {
      hash = it->second;
    } else if (auto b = m_refs.find("refs/heads/" + rev); b != m_refs.end()) {
      hash = b->second;
    } else if (rev == "HEAD" && m_refs.count("HEAD") != 0) {
      hash = m_refs.at("HEAD");
    } else if (rev.size() >= 7) {
      for (const auto& [h, c] : m_commits) {
        if (h.starts_with(rev)) {
          hash = h;
        }
      }
    }
    if (hash.empty()) {
      return make_error(Error::Code::not_found, "unknown revision " + rev);
    }
    gomod::CodeRev out{hash, m_commits.at(hash).time, {}};
    for (const auto& [ref, h] : m_refs) {
      if (h == hash && ref.starts_with("refs/tags/")) {
        out.tags.push_back(ref.substr(10));
      }
    }
    return out;
  }

  Result<std::optional<std::string>>
  read_file(const std::string& hash,
            const std::string& path,
            std::size_t) const override
  {
    const auto& files = m_commits.at(hash).files;
    auto it = files.find(path);
    if (it == files.end()) {
      return std::optional<std::string>();
    }
    return std::optional(it->second.second);
  }

  Result<bool>
  is_ancestor(const std::string& ancestor,
              const std::string& hash) const override
  {
    if (ancestor == hash) {
      return true;
    }
    for (const auto& p : m_commits.at(hash).parents) {
      if (*is_ancestor(ancestor, p)) {
        return true;
      }
    }
    return false;
  }

  Result<std::optional<std::vector<gomod::CodeFile>>>
  list_files(const std::string& hash, const std::string& dir) const override
  {
    std::string prefix = dir.empty() ? "" : dir + "/";
    std::vector<gomod::CodeFile> out;
    for (const auto& [path, f] : m_commits.at(hash).files) {
      if (path.starts_with(prefix)) {
        out.push_back(gomod::CodeFile{
          path.substr(prefix.size()), f.first, f.second.size(), path});
      }
    }
    if (out.empty()) {
      return std::optional<std::vector<gomod::CodeFile>>();
    }
    return std::optional(std::move(out));
  }

  Result<std::unique_ptr<gomod::zip::Reader>>
  open_archive_blob(const std::string& hash,
                    const std::string&,
                    const std::string& id) const override
  {
    struct Reader : gomod::zip::Reader
    {
      std::string data;
      std::size_t pos = 0;
      Result<std::size_t>
      read(std::span<char> buf) override
      {
        std::size_t n = std::min(buf.size(), data.size() - pos);
        std::copy_n(data.data() + pos, n, buf.data());
        pos += n;
        return n;
      }
    };
    auto r = std::make_unique<Reader>();
    r->data = m_commits.at(hash).files.at(id).second;
    return std::unique_ptr<gomod::zip::Reader>(std::move(r));
  }

private:
  std::string m_url = "https://corp.example/lib";
  std::map<std::string, Commit> m_commits;
  std::map<std::string, std::string> m_refs;
};

} // namespace gpx::test
