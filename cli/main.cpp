// gpx: a per-machine Go module proxy and the commands around it.

#include "context.hpp"

#include <exception>
#include <iostream>
#include <string>
#include <vector>

int
main(int argc, char** argv)
{
  try {
    return gpx::cli::run_gpx(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::exception& e) {
    std::cerr << "gpx: internal error: " << e.what() << "\n"
              << "gpx: hint: this is a bug; please report it with the command "
                 "you ran\n";
    return 1;
  }
}
