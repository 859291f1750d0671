#include <agent/git_credentials.hpp>

#include <doctest/doctest.h>

using namespace gpx::agent;

TEST_SUITE("agent")
{
  TEST_CASE("netrc: the machine's entry, else default, else nothing")
  {
    const std::string text =
      "# corporate hosts\n"
      "machine git.corp.example login alice password tok1\n"
      "machine other.example\n  login bob\n  password tok2\n"
      "default login anon password guest\n";
    auto a = netrc_lookup(text, "git.corp.example");
    CHECK(a.found);
    CHECK(a.login == "alice");
    CHECK(a.password == "tok1");
    auto b = netrc_lookup(text, "other.example");
    CHECK(b.login == "bob");
    CHECK(b.password == "tok2");
    auto d = netrc_lookup(text, "unknown.example");
    CHECK(d.found);
    CHECK(d.login == "anon");
    CHECK_FALSE(
      netrc_lookup("machine a.example login x password y\n", "b.example")
        .found);
    CHECK_FALSE(netrc_lookup("", "a.example").found);
  }

  TEST_CASE(
    "netrc: the first entry for a machine wins; a later default does not "
    "override it")
  {
    auto e = netrc_lookup(
      "machine h login first password one\nmachine h login second password "
      "two\ndefault login d password d\n",
      "h");
    CHECK(e.login == "first");
    CHECK(e.password == "one");
  }

  TEST_CASE(
    "git credential fill: its username and password lines, nothing without a "
    "password")
  {
    auto e = parse_credential_answer(
      "protocol=https\nhost=git.corp.example\nusername=alice\npassword=tok="
      "1\n");
    CHECK(e.found);
    CHECK(e.login == "alice");
    CHECK(e.password == "tok=1");
    CHECK_FALSE(parse_credential_answer("username=alice\n").found);
    CHECK_FALSE(parse_credential_answer("").found);
    CHECK_FALSE(parse_credential_answer("xpassword=nope\n").found);
  }

  TEST_CASE("what was tried and what to do next")
  {
    GitCredentialState st;
    CHECK(st.explain().find("no credentials were found to try") == 0);
    st.asked_password = true;
    st.asked_host = "git.corp.example";
    st.tried = {"netrc entry for git.corp.example",
                "git credential fill (no answer)"};
    CHECK(st.explain() == "tried netrc entry for git.corp.example, git credential fill (no answer); add a netrc entry "
                          "(machine git.corp.example login USER password TOKEN) or a git credential helper for it");
    GitCredentialState ssh;
    ssh.asked_ssh = true;
    ssh.tried = {"ssh-agent", "key /home/u/.ssh/id_ed25519"};
    CHECK(ssh.explain().find(
            "tried ssh-agent, key /home/u/.ssh/id_ed25519; set git_ssh_key")
          == 0);
  }
}
