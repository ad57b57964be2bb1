import type { ErrorCode } from './errors';

// Error texts in the two languages of the product. Server responses pick one
// by Accept-Language; the client's forms use the same texts for the same
// reasons, so a field error reads the same in the browser and in the API.
export const LOCALES = ['vi', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export type Localized = Record<Locale, string>;

export const ERROR_MESSAGES: Record<ErrorCode, Localized> = {
  BAD_REQUEST: { vi: 'Yêu cầu không hợp lệ', en: 'Bad request' },
  VALIDATION_FAILED: { vi: 'Dữ liệu gửi lên không hợp lệ', en: 'The request is invalid' },
  UNAUTHENTICATED: { vi: 'Vui lòng đăng nhập hoặc dùng mã truy cập API hợp lệ', en: 'Log in or send a valid API token' },
  FORBIDDEN: { vi: 'Vai trò của bạn không được phép thực hiện thao tác này', en: 'Your role may not do this' },
  NOT_FOUND: { vi: 'Không tìm thấy', en: 'Not found' },
  CONFLICT: { vi: 'Xung đột với dữ liệu hiện có', en: 'Conflicts with the current data' },
  PRECONDITION_FAILED: { vi: 'Phiên bản đối tượng đã thay đổi', en: 'The object has changed since you read it' },
  PAYLOAD_TOO_LARGE: { vi: 'Dữ liệu gửi lên quá lớn', en: 'The request body is too large' },
  UNPROCESSABLE: { vi: 'Không thể xử lý dữ liệu', en: 'The data cannot be processed' },
  RATE_LIMITED: { vi: 'Quá nhiều yêu cầu, vui lòng thử lại sau', en: 'Too many requests, try again later' },
  INTERNAL: { vi: 'Lỗi máy chủ', en: 'Internal server error' },
  UNAVAILABLE: { vi: 'Dịch vụ tạm thời không sẵn sàng', en: 'Service unavailable' },
};

/** Field-level reasons: zod issue codes and the registry's own. */
export const REASON_MESSAGES: Record<string, Localized> = {
  invalid_type: { vi: 'Sai kiểu dữ liệu hoặc thiếu trường bắt buộc', en: 'Wrong type or missing required field' },
  required: { vi: 'Trường bắt buộc', en: 'Required' },
  too_small: { vi: 'Giá trị quá nhỏ', en: 'Value too small' },
  too_big: { vi: 'Giá trị quá lớn', en: 'Value too large' },
  invalid_value: { vi: 'Giá trị không thuộc danh sách cho phép', en: 'Value not allowed' },
  invalid_format: { vi: 'Sai định dạng', en: 'Invalid format' },
  unrecognized_keys: { vi: 'Có trường không được phép', en: 'Unknown field' },
  invalid_union: { vi: 'Không khớp với dạng dữ liệu nào được chấp nhận', en: 'Matches none of the accepted shapes' },
  not_multiple_of: { vi: 'Giá trị không đúng bước', en: 'Not a multiple of the step' },
  custom: { vi: 'Giá trị không hợp lệ', en: 'Invalid value' },
  invalid_geometry: { vi: 'Hình học không hợp lệ', en: 'Invalid geometry' },
  wrong_geometry_type: { vi: 'Sai loại hình học', en: 'Wrong geometry type' },
  coordinates_out_of_range: { vi: 'Tọa độ ngoài phạm vi kinh độ/vĩ độ', en: 'Coordinates out of longitude/latitude range' },
  swapped_coordinates: { vi: 'Kinh độ và vĩ độ có vẻ bị đảo ngược (GeoJSON dùng thứ tự [kinh độ, vĩ độ])', en: 'Longitude and latitude appear swapped (GeoJSON order is [lon, lat])' },
  outside_province: { vi: 'Nằm ngoài phạm vi tỉnh', en: 'Outside the loaded province' },
  stale_version: { vi: 'Phiên bản đã cũ, hãy tải lại đối tượng', en: 'Stale version, reload the object' },
  duplicate: { vi: 'Đã tồn tại', en: 'Already exists' },
  referenced: { vi: 'Đang được tham chiếu bởi dữ liệu khác', en: 'Still referenced by other data' },
  unknown_reference: { vi: 'Tham chiếu tới đối tượng không tồn tại', en: 'Refers to an object that does not exist' },
  constraint: { vi: 'Vi phạm ràng buộc dữ liệu', en: 'Violates a data constraint' },
  too_short: { vi: 'Mật khẩu quá ngắn', en: 'Password too short' },
  too_simple: { vi: 'Mật khẩu cần ít nhất 3 loại ký tự (thường, hoa, số, ký hiệu)', en: 'Password needs three of: lower case, upper case, digit, symbol' },
  used_exceeds_total: { vi: 'Số đã dùng vượt quá tổng số', en: 'Used exceeds total' },
  other_carrier: { vi: 'Thuộc nhà mạng khác', en: 'Belongs to another carrier' },
};

export function reasonMessage(reason: string, locale: Locale): string {
  return (REASON_MESSAGES[reason] ?? REASON_MESSAGES.custom!)[locale];
}

/** Picks vi or en from an Accept-Language header; Vietnamese is the default. */
export function pickLocale(acceptLanguage: string | undefined | null): Locale {
  if (!acceptLanguage) return 'vi';
  const ranked = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.toLowerCase(), q: q ? Number(q.slice(2)) : 1 };
    })
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith('vi')) return 'vi';
    if (tag.startsWith('en')) return 'en';
  }
  return 'vi';
}
