#include "inputs.h"

#include <stdexcept>
#include <string>

namespace ltp::py {

namespace nb = nanobind;

namespace {

std::string utf8(nb::handle text, size_t index) {
  Py_ssize_t size = 0;
  const char* data = PyUnicode_AsUTF8AndSize(text.ptr(), &size);
  if (!data) {
    PyErr_Clear();  // replaced by an error that names the input
    throw std::invalid_argument("input " + std::to_string(index) + ": the text cannot be encoded as UTF-8 (a lone "
                                "surrogate?)");
  }
  return std::string(data, static_cast<size_t>(size));
}

bool is_pair(nb::handle item) {
  return (nb::isinstance<nb::tuple>(item) || nb::isinstance<nb::list>(item)) && nb::len(item) == 2 &&
         nb::isinstance<nb::str>(item[0]) && nb::isinstance<nb::str>(item[1]);
}

Input read_input(nb::handle item, size_t index) {
  if (nb::isinstance<nb::str>(item)) return Text{utf8(item, index), std::nullopt};
  if (nb::isinstance<Encoding>(item)) return nb::cast<const Encoding&>(item);
  if (is_pair(item)) return Text{utf8(item[0], index), utf8(item[1], index)};
  const std::string got = nb::type_name(item.type()).c_str();
  throw nb::type_error(
      ("input " + std::to_string(index) + ": expected a str, a pair of str or an ltp.Encoding, got " + got).c_str());
}

}  // namespace

std::vector<Input> read_inputs(nb::handle inputs) {
  // A str is iterable too: taking it character by character would be a silent mistake.
  if (nb::isinstance<nb::str>(inputs) || nb::isinstance<Encoding>(inputs))
    throw nb::type_error("encode takes a list of inputs: wrap a single input in a list");
  std::vector<Input> out;
  for (nb::handle item : nb::iter(inputs)) out.push_back(read_input(item, out.size()));
  return out;
}

}  // namespace ltp::py
