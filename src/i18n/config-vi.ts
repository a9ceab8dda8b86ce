/** `capbu config`'s words in Vietnamese: its errors and its listing. */
import { quoted, type Message, type Vars } from './message.js';

/** What a setting takes, by its kind (SETTING_VALUE_INVALID's `expected`) and the problem found. */
function expected(v: Vars): string {
  switch (v.problem) {
    case 'oneValue':
      return 'cần đúng một giá trị';
    case 'tooMany':
      return `nhiều nhất ${String(v.most)} giá trị`;
    case 'notAbsolute':
      return 'cần đường dẫn đầy đủ (bắt đầu bằng /) tới thư viện PKCS#11';
    case 'missing':
      return 'không có tệp này trên máy';
    case 'programMissing':
      return 'không tìm thấy chương trình này trên máy (đường dẫn đầy đủ, hoặc một lệnh có trong PATH)';
  }
  switch (v.expected) {
    case 'integer':
      return `cần một số nguyên từ ${String(v.min)} đến ${String(v.max)}`;
    case 'integers':
      return `cần một hoặc nhiều số nguyên (cách nhau bằng dấu cách), mỗi số từ ${String(v.min)} đến ${String(v.max)}`;
    case 'text':
      return `cần một dòng chữ, tối đa ${String(v.max)} ký tự`;
    case 'choice':
      return `cần một trong: ${quoted(v.values)}`;
    case 'boolean':
      return 'cần "true" (có) hoặc "false" (không)';
    case 'modules':
      return 'cần đường dẫn đầy đủ tới thư viện PKCS#11';
    case 'overrides':
      return 'cần một hoặc nhiều mã phê duyệt của giám sát, dạng "CBO1.…" (cách nhau bằng dấu cách)';
    case 'command':
      return 'cần một lệnh in, tối đa 300 ký tự; đường dẫn biên nhận được thêm vào cuối lệnh';
    default:
      return `cần một danh sách JSON các thiết bị, mỗi thiết bị có ${quoted(['vendorId', 'productId', 'vendor', 'model', 'hardwareVersion', 'usbClass', 'modules'])} (xem README, mục "Token devices")`;
  }
}

export const configErrorsVi = {
  SETTING_UNKNOWN: (v) =>
    `không có mục cài đặt "${String(v.name)}"${v.suggestion ? ` (có phải "${String(v.suggestion)}"?)` : ''}; các mục: ${quoted(v.names)}`,
  SETTING_VALUE_INVALID: (v) => `mục cài đặt "${String(v.name)}" không nhận "${String(v.value)}": ${expected(v)}; chưa thay đổi gì`,
  SETTING_READ_ONLY: (v) => `mục "${String(v.name)}" do capbu enroll đặt khi máy quầy đăng ký với hệ thống trung tâm, không sửa bằng "capbu config"`,
} satisfies Record<string, Message>;

export const configTextVi: Record<string, Message> = {
  'cmd.config': 'cài đặt của máy quầy',
  'cmd.config get': 'giá trị của một mục cài đặt',
  'cmd.config set': 'đặt giá trị cho một mục cài đặt (ứng dụng máy quầy dùng từ lần khởi động sau)',
  'cmd.config unset': 'đưa một mục cài đặt về giá trị mặc định',
  'cmd.config list': 'mọi mục cài đặt và giá trị của chúng',
  'config.none': '(không có)',
  'config.default': 'mặc định',
  'config.notEnrolled': '(chưa đăng ký)',
  'config.fromEnrol': 'từ capbu enroll',
};
