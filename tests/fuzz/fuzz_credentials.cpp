// Credentials for git remotes (agent/git_credentials): a netrc file and what
// `git credential fill` printed, both written by someone else. No crash; a
// host's own entry wins whether or not a default entry may answer; what is
// found was in the text.

#include "fuzz_input.hpp"

#include <agent/git_credentials.hpp>

#include <cstdlib>

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  namespace ag = gpx::agent;
  auto in = gpx::fuzz::text(data, size);
  // The first line names the host; the rest is the netrc file.
  auto l = gpx::fuzz::lines(in, 2, 2);
  auto own = ag::netrc_lookup(l[1], l[0], false);
  auto any = ag::netrc_lookup(l[1], l[0], true);
  if (own.found
      && (!any.found || any.login != own.login
          || any.password != own.password)) {
    std::abort();
  }
  if (own.found && l[1].find(l[0]) == std::string::npos) {
    std::abort();
  }
  if ((any.found || own.found) && !any.password.empty()
      && l[1].find(any.password) == std::string::npos) {
    std::abort();
  }
  auto answer = ag::parse_credential_answer(in);
  if (answer.found != !answer.password.empty()
      || (answer.found
          && in.find("password=" + answer.password) == std::string::npos)) {
    std::abort();
  }
  return 0;
}
