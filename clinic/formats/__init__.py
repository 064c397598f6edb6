"""The clinic's date and clock formats (FORMAT_MODULE_PATH) and the helpers that write them
from Python (`display`)."""
