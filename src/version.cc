#include "ltp/version.h"

namespace ltp {

const char* version() { return LTP_VERSION_STRING; }

}  // namespace ltp
