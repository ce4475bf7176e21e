import { useRoute } from 'preact-iso';
import type { PageProps } from '../../page.ts';
import { AccountDetail } from './account-detail.tsx';
import { AccountList } from './account-list.tsx';
import './accounts.css';

/** /console/accounts and /console/accounts/:id (both routes render this page; the id picks the view). */
export function AccountsPage({ api }: PageProps) {
  const { params } = useRoute();
  return params.id ? <AccountDetail key={params.id} api={api} id={params.id} /> : <AccountList api={api} />;
}
