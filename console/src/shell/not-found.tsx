import { PageHeader } from '../components/page-header.tsx';

export function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" />
      <div class="empty">
        <p>
          The console has no page at this address. Go to <a href="/console/accounts">Accounts</a>.
        </p>
      </div>
    </>
  );
}
