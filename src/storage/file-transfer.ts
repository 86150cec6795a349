import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { MULTIPART_FORM, MultipartCsrfInterceptor } from '../common/web/multipart-form.js';
import type { Response } from 'express';
import type { StoredFileInfo } from './file-storage.js';
import { contentDisposition, downloadName } from './file-names.js';

/**
 * The interceptor of every upload route: one file in `field`, at most `maxBytes`. Browsers send the
 * file's name as raw UTF-8 bytes; busboy reads such header parameters as latin1 unless told otherwise
 * ("dossier-中文.pdf" became "dossier-ä¸­æ–‡.pdf"). A name sent as RFC 8187 filename* keeps its
 * declared charset.
 */
export function FileUpload(field: string, maxBytes: number) {
  return FileInterceptor(field, { defParamCharset: 'utf8', limits: { fileSize: maxBytes, files: 1 } });
}

/**
 * The upload route of a page's form: one file in `field`, the CSRF token in the form's body (checked
 * once the body is parsed, see common/web/multipart-form.ts), never in its address.
 */
export function FileUploadForm(field: string, maxBytes: number) {
  return applyDecorators(SetMetadata(MULTIPART_FORM, true), UseInterceptors(FileUpload(field, maxBytes), MultipartCsrfInterceptor));
}

/**
 * Answers a stored file as a download: its sniffed type, never sniffed again by the browser, under its
 * name with the extension of that type (file-names.ts). Every download route of uploaded files uses it.
 */
export function sendStoredFile(res: Response, file: { info: StoredFileInfo; bytes: Buffer }): void {
  res.setHeader('Content-Type', file.info.contentType);
  res.setHeader('Content-Disposition', contentDisposition(downloadName(file.info.filename, file.info.contentType)));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.send(file.bytes);
}
