import { Link } from 'react-router';
import { Notice } from '../components/notice.js';

export function NotFoundPage() {
  return (
    <Notice title="No such page">
      <p>
        Try the <Link to="/">services</Link> or the <Link to="/search">search page</Link>, or paste a trace id into the box at the top.
      </p>
    </Notice>
  );
}
