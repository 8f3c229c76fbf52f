// The sandbox platform's stored shape and its default data: fictitious units and people in
// Zaozhuang and Tai'an. Every person of /work/shared/sandbox-people.md is here in exactly the
// state given there (outside checkers rely on them); the others show further cases.
import type { Role, RegistrationState, TransferState } from "./types.ts";
import type { IdType } from "./id-number.ts";

export type City = "zaozhuang" | "taian";
export type UnitState = "approved" | "pending" | "rejected" | "withdrawn";

export interface UnitRecord {
  id: string;
  name: string;
  role: Exclude<Role, "professional">;
  city: City;
  district?: string;
  state: UnitState;
  /** Who the unit registered under (seed §20): 主管部门, else 上级单位, else 同级人社部门 reviews it. */
  supervisorId?: string;
  parentId?: string;
  hrssId?: string;
}

export interface PersonRecord {
  idNumber: string;
  idType: IdType;
  name: string;
  phone: string;
  city: City;
  district?: string;
  /** Other items waiting for review (学时申报, 信息变更 …): they block a transfer (seed §11). */
  pendingItems?: string[];
}

export interface RegistrationRecord {
  id: string;
  idNumber: string;
  role: Role;
  /** The unit the person belongs to (professional) or administers (employer, supervisor). */
  unitId: string;
  /** The unit that reviews: the chosen unit for a professional, the superior for a unit admin. */
  reviewerId: string;
  state: RegistrationState;
  submittedAt: string;
  decidedAt?: string;
  rejectReason?: string;
}

export interface TransferRecord {
  id: string;
  idNumber: string;
  fromUnitId: string;
  toUnitId: string;
  state: TransferState;
  startedAt: string;
  updatedAt?: string;
  rejectReason?: string;
}

export interface CodeRecord {
  idNumber: string;
  purpose: "withdraw" | "transfer";
  /** Only a salted hash is kept; the code itself goes to the outbox (the SMS stand-in). */
  salt: string;
  hash: string;
  issuedAt: number;
  expiresAt: number;
  attempts: number;
  /** Salted hash of the grant given when the code was checked early (verifyCode). */
  grantHash?: string;
}

export interface IdempotencyRecord {
  op: "withdraw" | "transfer";
  /** What the key was first used for; the same key for another request is a conflict. */
  fingerprint: string;
  at: number;
  result: unknown;
}

export interface SandboxData {
  version: 1;
  seq: number;
  units: UnitRecord[];
  people: PersonRecord[];
  registrations: RegistrationRecord[];
  transfers: TransferRecord[];
  codes: CodeRecord[];
  idempotency: Record<string, IdempotencyRecord>;
}

export function emptyData(): SandboxData {
  return { version: 1, seq: 0, units: [], people: [], registrations: [], transfers: [], codes: [], idempotency: {} };
}

type U = Omit<UnitRecord, "state"> & { state?: UnitState };
const units: U[] = [
  // 人社部门: accounts are assigned by the platform, never registered (seed §20 ①).
  { id: "zz-h01", name: "枣庄市人力资源和社会保障局", role: "hrss", city: "zaozhuang" },
  { id: "zz-h02", name: "枣庄市市中区人力资源和社会保障局", role: "hrss", city: "zaozhuang", district: "市中区" },
  { id: "zz-h03", name: "枣庄市薛城区人力资源和社会保障局", role: "hrss", city: "zaozhuang", district: "薛城区" },
  { id: "zz-h04", name: "枣庄市台儿庄区人力资源和社会保障局", role: "hrss", city: "zaozhuang", district: "台儿庄区" },
  { id: "zz-h05", name: "枣庄市滕州市人力资源和社会保障局", role: "hrss", city: "zaozhuang", district: "滕州市" },
  { id: "zz-h06", name: "枣庄市峄城区人力资源和社会保障局", role: "hrss", city: "zaozhuang", district: "峄城区" },
  { id: "ta-h01", name: "泰安市人力资源和社会保障局", role: "hrss", city: "taian" },
  { id: "ta-h02", name: "泰安市泰山区人力资源和社会保障局", role: "hrss", city: "taian", district: "泰山区" },
  { id: "ta-h03", name: "泰安市岱岳区人力资源和社会保障局", role: "hrss", city: "taian", district: "岱岳区" },
  { id: "ta-h04", name: "泰安市新泰市人力资源和社会保障局", role: "hrss", city: "taian", district: "新泰市" },
  { id: "ta-h05", name: "泰安市肥城市人力资源和社会保障局", role: "hrss", city: "taian", district: "肥城市" },

  // 主管部门: registered under the hrss office of the same level, which reviews them.
  { id: "zz-s01", name: "枣庄市教育局", role: "supervisor", city: "zaozhuang", hrssId: "zz-h01" },
  { id: "zz-s02", name: "枣庄市卫生健康委员会", role: "supervisor", city: "zaozhuang", hrssId: "zz-h01" },
  { id: "zz-s03", name: "枣庄市住房和城乡建设局", role: "supervisor", city: "zaozhuang", hrssId: "zz-h01" },
  { id: "zz-s04", name: "滕州市住房和城乡建设局", role: "supervisor", city: "zaozhuang", district: "滕州市", hrssId: "zz-h05" },
  { id: "zz-s05", name: "枣庄市薛城区教育和体育局", role: "supervisor", city: "zaozhuang", district: "薛城区", hrssId: "zz-h03" },
  { id: "zz-s06", name: "枣庄市台儿庄区卫生健康局", role: "supervisor", city: "zaozhuang", district: "台儿庄区", hrssId: "zz-h04" },
  { id: "ta-s01", name: "泰安市卫生健康委员会", role: "supervisor", city: "taian", hrssId: "ta-h01" },
  { id: "ta-s02", name: "泰安市住房和城乡建设局", role: "supervisor", city: "taian", hrssId: "ta-h01" },
  { id: "ta-s03", name: "泰安市教育局", role: "supervisor", city: "taian", hrssId: "ta-h01" },
  { id: "ta-s04", name: "泰安市岱岳区农业农村局", role: "supervisor", city: "taian", district: "岱岳区", hrssId: "ta-h03" },
  { id: "ta-s05", name: "新泰市教育和体育局", role: "supervisor", city: "taian", district: "新泰市", hrssId: "ta-h04" },

  // 用人单位: under a supervisor, a parent unit (二级单位) or, with neither, the hrss office.
  { id: "zz-e01", name: "枣庄市示例第一中学", role: "employer", city: "zaozhuang", district: "市中区", supervisorId: "zz-s01" },
  { id: "zz-e02", name: "滕州市示例建筑设计院", role: "employer", city: "zaozhuang", district: "滕州市", supervisorId: "zz-s04" },
  { id: "zz-e03", name: "薛城区示例小学", role: "employer", city: "zaozhuang", district: "薛城区", supervisorId: "zz-s05" },
  { id: "zz-e04", name: "台儿庄区示例卫生院", role: "employer", city: "zaozhuang", district: "台儿庄区", supervisorId: "zz-s06" },
  { id: "zz-e05", name: "枣庄市第二人民医院", role: "employer", city: "zaozhuang", district: "市中区", supervisorId: "zz-s02" },
  { id: "zz-e06", name: "枣庄市实验中学", role: "employer", city: "zaozhuang", district: "市中区", supervisorId: "zz-s01" },
  { id: "zz-e07", name: "枣庄市中医医院", role: "employer", city: "zaozhuang", district: "市中区", supervisorId: "zz-s02" },
  { id: "zz-e08", name: "滕州市人社局人事科", role: "employer", city: "zaozhuang", district: "滕州市", hrssId: "zz-h05" },
  { id: "zz-e09", name: "滕州市社保处", role: "employer", city: "zaozhuang", district: "滕州市", parentId: "zz-e08" },
  { id: "zz-e10", name: "滕州市龙阳镇人社所", role: "employer", city: "zaozhuang", district: "滕州市", hrssId: "zz-h05" },
  { id: "zz-e11", name: "枣庄市示例建设工程质量检测中心", role: "employer", city: "zaozhuang", district: "薛城区", supervisorId: "zz-s03" },
  { id: "ta-e01", name: "泰安市示例人民医院", role: "employer", city: "taian", district: "泰山区", supervisorId: "ta-s01" },
  { id: "ta-e02", name: "泰安市岱岳区示例农业技术推广站", role: "employer", city: "taian", district: "岱岳区", supervisorId: "ta-s04" },
  { id: "ta-e03", name: "泰安市中心医院", role: "employer", city: "taian", district: "泰山区", supervisorId: "ta-s01" },
  { id: "ta-e04", name: "泰安市第一中学", role: "employer", city: "taian", district: "泰山区", supervisorId: "ta-s03" },
  { id: "ta-e05", name: "泰安市房产管理服务中心", role: "employer", city: "taian", supervisorId: "ta-s02" },
  { id: "ta-e06", name: "泰安市保障性住房管理服务中心", role: "employer", city: "taian", parentId: "ta-e05" },
  { id: "ta-e07", name: "泰山区人社局人事科", role: "employer", city: "taian", district: "泰山区", hrssId: "ta-h02" },
  { id: "ta-e08", name: "泰山区社保中心", role: "employer", city: "taian", district: "泰山区", parentId: "ta-e07" },
  { id: "ta-e09", name: "新泰市示例第二中学", role: "employer", city: "taian", district: "新泰市", supervisorId: "ta-s05" },
  { id: "ta-e10", name: "泰安市示例测绘院", role: "employer", city: "taian", state: "pending", supervisorId: "ta-s02" },
  { id: "ta-e11", name: "肥城市示例人民医院", role: "employer", city: "taian", district: "肥城市", hrssId: "ta-h05" },
];

const people: PersonRecord[] = [
  // The demo people (sandbox-people.md). 周杰 370982199511302755 is deliberately absent: not registered.
  { idNumber: "370402198503122013", idType: "resident", name: "张明", phone: "13800000001", city: "zaozhuang", district: "市中区" },
  { idNumber: "370902199006153021", idType: "resident", name: "李华", phone: "13800000002", city: "taian", district: "泰山区" },
  { idNumber: "370481199202084527", idType: "resident", name: "王芳", phone: "13800000003", city: "zaozhuang", district: "滕州市" },
  { idNumber: "370911198807231634", idType: "resident", name: "赵强", phone: "13800000004", city: "taian", district: "岱岳区" },
  { idNumber: "370403199304113844", idType: "resident", name: "孙丽", phone: "13800000005", city: "zaozhuang", district: "薛城区" },
  { idNumber: "370405198709051264", idType: "resident", name: "陈静", phone: "13800000007", city: "zaozhuang", district: "台儿庄区" },
  // More cases.
  { idNumber: "370402198804162019", idType: "resident", name: "刘洋", phone: "13800000008", city: "zaozhuang", district: "市中区", pendingItems: ["学时申报"] },
  { idNumber: "370902199107223025", idType: "resident", name: "吴敏", phone: "13800000009", city: "taian", district: "泰山区" },
  { idNumber: "370402197903054019", idType: "resident", name: "郑伟", phone: "13800000010", city: "zaozhuang", district: "市中区" },
  { idNumber: "37091119830912203X", idType: "resident", name: "黄磊", phone: "13800000011", city: "taian", district: "岱岳区" },
  { idNumber: "370982198906014024", idType: "resident", name: "罗兰", phone: "13800000012", city: "taian", district: "新泰市" },
  { idNumber: "370902198602181016", idType: "resident", name: "何刚", phone: "13800000013", city: "taian", district: "泰山区" },
  { idNumber: "370481199305152027", idType: "resident", name: "高颖", phone: "13800000014", city: "zaozhuang", district: "滕州市" },
  { idNumber: "370403198211243012", idType: "resident", name: "许涛", phone: "13800000015", city: "zaozhuang", district: "薛城区" },
  { idNumber: "370921199408081023", idType: "resident", name: "钱琳", phone: "13800000016", city: "taian", district: "宁阳县" },
  { idNumber: "81000019900101102X", idType: "hmtResidencePermit", name: "陈嘉欣", phone: "13800000017", city: "taian", district: "泰山区" },
  { idNumber: "370983198707072017", idType: "resident", name: "冯凯", phone: "13800000018", city: "taian", district: "肥城市" },
  { idNumber: "370406199212123024", idType: "resident", name: "杨柳", phone: "13800000019", city: "zaozhuang", district: "山亭区" },
];

// Times are UTC; 01:xx Z is the Shanghai morning, so the date reads the same in both zones.
type R = Omit<RegistrationRecord, "id">;
const registrations: R[] = [
  { idNumber: "370402198503122013", role: "professional", unitId: "zz-e01", reviewerId: "zz-e01", state: "pending", submittedAt: "2026-11-10T01:20:00.000Z" },
  {
    idNumber: "370902199006153021",
    role: "professional",
    unitId: "ta-e01",
    reviewerId: "ta-e01",
    state: "approved",
    submittedAt: "2026-03-02T02:10:00.000Z",
    decidedAt: "2026-03-04T06:30:00.000Z",
  },
  {
    idNumber: "370481199202084527",
    role: "professional",
    unitId: "zz-e02",
    reviewerId: "zz-e02",
    state: "rejected",
    submittedAt: "2026-11-03T03:00:00.000Z",
    decidedAt: "2026-11-05T07:45:00.000Z",
    rejectReason: "所学专业填写有误",
  },
  {
    idNumber: "370911198807231634",
    role: "employer",
    unitId: "ta-e02",
    reviewerId: "ta-s04",
    state: "approved",
    submittedAt: "2025-06-11T01:00:00.000Z",
    decidedAt: "2025-06-12T02:00:00.000Z",
  },
  {
    idNumber: "370403199304113844",
    role: "professional",
    unitId: "zz-e03",
    reviewerId: "zz-e03",
    state: "approved",
    submittedAt: "2025-09-01T01:30:00.000Z",
    decidedAt: "2025-09-02T03:00:00.000Z",
  },
  {
    idNumber: "370405198709051264",
    role: "professional",
    unitId: "zz-e04",
    reviewerId: "zz-e04",
    state: "approved",
    submittedAt: "2025-10-15T02:00:00.000Z",
    decidedAt: "2025-10-16T02:40:00.000Z",
  },
  {
    idNumber: "370402198804162019",
    role: "professional",
    unitId: "zz-e05",
    reviewerId: "zz-e05",
    state: "approved",
    submittedAt: "2025-04-20T01:00:00.000Z",
    decidedAt: "2025-04-21T01:00:00.000Z",
  },
  { idNumber: "370902199107223025", role: "professional", unitId: "ta-e03", reviewerId: "ta-e03", state: "pending", submittedAt: "2026-11-20T02:15:00.000Z" },
  // A unit admin who also registered as a professional (seed §4).
  {
    idNumber: "370402197903054019",
    role: "employer",
    unitId: "zz-e06",
    reviewerId: "zz-s01",
    state: "approved",
    submittedAt: "2025-05-06T01:00:00.000Z",
    decidedAt: "2025-05-07T01:00:00.000Z",
  },
  {
    idNumber: "370402197903054019",
    role: "professional",
    unitId: "zz-e06",
    reviewerId: "zz-e06",
    state: "approved",
    submittedAt: "2025-05-08T01:00:00.000Z",
    decidedAt: "2025-05-08T05:00:00.000Z",
  },
  {
    idNumber: "37091119830912203X",
    role: "supervisor",
    unitId: "ta-s02",
    reviewerId: "ta-h01",
    state: "approved",
    submittedAt: "2025-03-10T01:00:00.000Z",
    decidedAt: "2025-03-11T01:00:00.000Z",
  },
  // A unit waiting for its supervisor: nobody can register under it yet (seed §1).
  { idNumber: "370982198906014024", role: "employer", unitId: "ta-e10", reviewerId: "ta-s02", state: "pending", submittedAt: "2026-11-19T01:40:00.000Z" },
  {
    idNumber: "370902198602181016",
    role: "professional",
    unitId: "ta-e04",
    reviewerId: "ta-e04",
    state: "approved",
    submittedAt: "2025-08-30T02:00:00.000Z",
    decidedAt: "2025-09-01T02:00:00.000Z",
  },
  {
    idNumber: "370481199305152027",
    role: "professional",
    unitId: "zz-e09",
    reviewerId: "zz-e09",
    state: "approved",
    submittedAt: "2025-07-01T02:00:00.000Z",
    decidedAt: "2025-07-02T02:00:00.000Z",
  },
  // Chose the wrong unit, withdrew, registered again (seed §10).
  {
    idNumber: "370403198211243012",
    role: "professional",
    unitId: "zz-e07",
    reviewerId: "zz-e07",
    state: "withdrawn",
    submittedAt: "2026-10-08T01:00:00.000Z",
    decidedAt: "2026-10-08T03:00:00.000Z",
  },
  {
    idNumber: "370403198211243012",
    role: "professional",
    unitId: "zz-e05",
    reviewerId: "zz-e05",
    state: "approved",
    submittedAt: "2026-10-08T03:10:00.000Z",
    decidedAt: "2026-10-09T01:00:00.000Z",
  },
  {
    idNumber: "370921199408081023",
    role: "professional",
    unitId: "ta-e06",
    reviewerId: "ta-e06",
    state: "approved",
    submittedAt: "2025-11-11T02:00:00.000Z",
    decidedAt: "2025-11-12T02:00:00.000Z",
  },
  {
    idNumber: "81000019900101102X",
    role: "professional",
    unitId: "ta-e03",
    reviewerId: "ta-e03",
    state: "approved",
    submittedAt: "2026-01-05T02:00:00.000Z",
    decidedAt: "2026-01-06T02:00:00.000Z",
  },
  {
    idNumber: "370983198707072017",
    role: "professional",
    unitId: "ta-e11",
    reviewerId: "ta-e11",
    state: "approved",
    submittedAt: "2026-02-14T02:00:00.000Z",
    decidedAt: "2026-02-15T02:00:00.000Z",
  },
  // A freelancer registered under the township hrss station (seed §20 ⑤).
  {
    idNumber: "370406199212123024",
    role: "professional",
    unitId: "zz-e10",
    reviewerId: "zz-e10",
    state: "approved",
    submittedAt: "2026-06-01T02:00:00.000Z",
    decidedAt: "2026-06-03T02:00:00.000Z",
  },
];

type T = Omit<TransferRecord, "id">;
const transfers: T[] = [
  // 孙丽: waiting for the old unit to approve the move out.
  { idNumber: "370403199304113844", fromUnitId: "zz-e03", toUnitId: "zz-e01", state: "pending_out", startedAt: "2026-11-18T02:30:00.000Z" },
  // 何刚: the old unit let him go; the new one has not taken him in yet.
  {
    idNumber: "370902198602181016",
    fromUnitId: "ta-e04",
    toUnitId: "ta-e09",
    state: "pending_in",
    startedAt: "2026-11-12T01:00:00.000Z",
    updatedAt: "2026-11-13T02:00:00.000Z",
  },
  // 高颖: a finished transfer (her registration now points at the new unit).
  {
    idNumber: "370481199305152027",
    fromUnitId: "zz-e02",
    toUnitId: "zz-e09",
    state: "completed",
    startedAt: "2026-05-06T01:00:00.000Z",
    updatedAt: "2026-05-09T01:00:00.000Z",
  },
];

/** A fresh copy of the default data. */
export function seedData(): SandboxData {
  const d = emptyData();
  d.units = units.map((u) => ({ ...u, state: u.state ?? "approved" }));
  d.people = people.map((p) => ({ ...p, pendingItems: p.pendingItems ? [...p.pendingItems] : undefined }));
  for (const r of registrations) d.registrations.push({ id: `R${String(++d.seq).padStart(6, "0")}`, ...r });
  for (const t of transfers) d.transfers.push({ id: `T${String(++d.seq).padStart(6, "0")}`, ...t });
  return JSON.parse(JSON.stringify(d)) as SandboxData; // drops undefined keys, as the file would
}
