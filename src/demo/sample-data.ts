/**
 * A small wholesale supplier's people and clients: enough to take every branch of the
 * default flow (flows/default.yaml). The demo seeds them; the IVR tests use them too.
 */
import { agents, callReasons, clients } from '../db/schema/index.js'
import type { Db } from '../db/database.js'

export const SAMPLE_AGENTS = [
  { id: 'ana', name: 'Ana Kovač', endpoint: 'user/ana', groups: ['key-account-managers'] },
  { id: 'boris', name: 'Boris Petrov', endpoint: 'user/boris', groups: ['key-account-managers'] },
  { id: 'carla', name: 'Carla Sousa', endpoint: 'user/carla', groups: ['wholesale-heads', 'department-heads'] },
  { id: 'dina', name: 'Dina Hadžić', endpoint: 'user/dina', groups: ['department-heads'] },
  { id: 'emil', name: 'Emil Begić', endpoint: 'user/emil', groups: ['finance'] },
  { id: 'olga', name: 'Olga Ivanova', endpoint: 'user/olga', groups: ['sales'], skills: { languages: ['ru', 'en'] } },
  // The operators of the queues (queues/queues.yaml).
  { id: 'ivan', name: 'Ivan Marić', endpoint: 'user/ivan', groups: ['operators'], skills: { languages: ['bs', 'en'] } },
  { id: 'maria', name: 'Maria Costa', endpoint: 'user/maria', groups: ['operators'], skills: { languages: ['pt', 'en'] } },
  { id: 'petra', name: 'Petra Novak', endpoint: 'user/petra', groups: ['operators'], skills: { languages: ['bs', 'ru', 'en'] } },
]

export const SAMPLE_CLIENTS = {
  key: { name: 'Sarajevo Market d.o.o.', phone: '+38761100001', type: 'key', managerId: 'ana', language: 'ru', currency: 'EUR' },
  retail: { name: 'Mini Shop Ilidža', phone: '+38761100002', type: 'retail', managerId: 'olga', language: 'en', balance: '1234.50', currency: 'EUR' },
  debtor: { name: 'Kiosk Mostar', phone: '+38761100003', type: 'regional', managerId: 'olga', language: 'bs', overdueDebt: '250.75', currency: 'BAM' },
  noManager: { name: 'Outlet Tuzla', phone: '+38761100004', type: 'own_outlet', managerId: null, language: 'pt', currency: 'EUR' },
  marketer: { name: 'Promo Team', phone: '+38761100005', type: 'marketer', managerId: 'olga', language: null, currency: 'EUR' },
} as const

/** Why clients call, as an administrator would first list it (operators pick one with the disposition). */
export const SAMPLE_REASONS = [
  { code: 'order', labels: { en: 'New order', bs: 'Nova narudžba', ru: 'Новый заказ', pt: 'Nova encomenda' }, sortOrder: 10 },
  { code: 'prices', labels: { en: 'Prices and offers', bs: 'Cijene i ponude', ru: 'Цены и предложения', pt: 'Preços e ofertas' }, sortOrder: 20 },
  { code: 'invoice', labels: { en: 'Invoice or payment', bs: 'Faktura ili plaćanje', ru: 'Счёт или оплата', pt: 'Fatura ou pagamento' }, sortOrder: 30 },
  { code: 'delivery', labels: { en: 'Delivery', bs: 'Dostava', ru: 'Доставка', pt: 'Entrega' }, sortOrder: 40 },
  { code: 'complaint', labels: { en: 'Complaint', bs: 'Žalba', ru: 'Жалоба', pt: 'Reclamação' }, sortOrder: 50 },
]

/** Inserts the sample people and clients; rows that already exist (same id or phone) are left as they are. */
export async function seedSampleData(db: Db): Promise<void> {
  await db.insert(agents).values(SAMPLE_AGENTS).onConflictDoNothing()
  await db.insert(clients).values(Object.values(SAMPLE_CLIENTS).map((c) => ({ ...c }))).onConflictDoNothing()
  await db.insert(callReasons).values(SAMPLE_REASONS).onConflictDoNothing()
}
