#include "temp_dir.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace gpx::test {

TempDir::TempDir()
{
  std::string tmpl = (fs::temp_directory_path() / "gpx-test-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) {
    throw std::runtime_error("mkdtemp failed for " + tmpl);
  }
  m_path = tmpl;
}

TempDir::~TempDir()
{
  // GPX_KEEP_TEST_DIRS=1 keeps the files of a failing run for inspection.
  if (std::getenv("GPX_KEEP_TEST_DIRS") != nullptr) {
    std::cerr << "kept test dir " << m_path << "\n";
    return;
  }
  std::error_code ec;
  fs::remove_all(m_path, ec);
}

fs::path
TempDir::write(std::string_view rel, std::string_view data) const
{
  fs::path p = m_path / fs::path(rel);
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  if (!out) {
    throw std::runtime_error("cannot write " + p.string());
  }
  return p;
}

std::string
read_file(const fs::path& p)
{
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot read " + p.string());
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

} // namespace gpx::test
