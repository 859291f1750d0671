#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace gpx::test {

// A fresh directory under $TMPDIR for one test, removed afterwards unless
// GPX_KEEP_TEST_DIRS is set (then kept and its path printed).
class TempDir
{
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path&
  path() const
  {
    return m_path;
  }
  // Writes data to path()/rel, creating parent directories.
  std::filesystem::path write(std::string_view rel,
                              std::string_view data) const;

private:
  std::filesystem::path m_path;
};

std::string read_file(const std::filesystem::path& p);

} // namespace gpx::test
