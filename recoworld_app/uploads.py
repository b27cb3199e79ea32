"""Upload size cap enforced while the body streams in, before anything reaches the disk for good."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import QueryDict
from django.template.defaultfilters import filesizeformat
from django.utils.datastructures import MultiValueDict


def too_large_message() -> str:
    return f"The file is larger than the {filesizeformat(settings.UPLOAD_MAX_BYTES)} limit."


class SizeCapUploadHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS: counts bytes and stops the upload the moment it passes the cap.

    It marks the request (`request.upload_rejected`) so that views and the API can say why the file
    is missing, instead of a generic "this field is required".
    """

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.total = 0
        # A declared body far over the cap is refused before a single byte of it is read: an empty
        # (POST, FILES) ends the parsing here (StopUpload is only caught once parsing has begun).
        if (
            content_length
            and content_length > settings.UPLOAD_MAX_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        ):
            self._reject()
            return QueryDict(), MultiValueDict()
        return None

    def receive_data_chunk(self, raw_data, start):
        self.total += len(raw_data)
        if self.total > settings.UPLOAD_MAX_BYTES:
            self._reject()
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None

    def _reject(self):
        if self.request is not None:
            self.request.upload_rejected = too_large_message()
