#pragma once

// Step 4 of a prefetch: one module version through the agent, its .mod and
// (when wanted) .info and zip, each checked against go.sum, and the checksum
// database's record of it, which makes offline verification possible for
// any project and gives a second opinion on the hashes.

#include "prefetch_agent.hpp"
#include "prefetch_plan.hpp"

#include <gomod/gosum.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace gpx::cli {

struct DownloadContext
{
  AgentFiles& agent;
  const gomod::GoSum& sums;
  std::string sumdb;   // the checksum database's name, "" for none
  std::string nosumdb; // GONOSUMDB-style patterns it does not know
  // go.mod texts the graph already fetched, by "path@version".
  const std::map<std::string, std::string>& mod_bodies;
  std::filesystem::path tmp_dir; // where a zip waits while it is hashed
};

struct DownloadOutcome
{
  std::vector<std::string> errors;
  std::vector<std::string> mismatches;
  std::string lookup_url; // the checksum database lookup asked, if any
};

DownloadOutcome download_one(const Item& item, const DownloadContext& ctx);

} // namespace gpx::cli
